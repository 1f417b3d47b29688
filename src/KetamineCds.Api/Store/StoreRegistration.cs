using KetamineCds.Api.Core;

namespace KetamineCds.Api.Store;

/// <summary>The feedback and audit store: SQLite or PostgreSQL by connection string, its migrations and retention purge.</summary>
public static class StoreRegistration
{
    public static WebApplicationBuilder AddStore(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<StoreOptions, StoreOptionsValidator>(StoreOptions.Section);
        var services = builder.Services;
        services.AddSingleton<ICdsStore, SqlCdsStore>();
        services.AddSingleton<StoreHealth>();
        services.AddHostedService<StoreMaintenance>();
        return builder;
    }
}
