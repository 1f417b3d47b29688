using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

public static class CdsAuthenticationExtensions
{
    public static WebApplicationBuilder AddCdsAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        var services = builder.Services;
        services.AddSingleton<InMemoryReplayCache>();
        services.AddSingleton<IReplayCache, StoreReplayCache>();
        services.AddSingleton<CdsJwtValidator>();
        services.AddSingleton<JwksCache>();
        services.AddHttpClient(nameof(JwksCache), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        return builder;
    }

    public static WebApplication UseCdsAuthentication(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled)
        {
            app.Logger.AuthenticationDisabled();
        }

        app.UseMiddleware<CdsAuthenticationMiddleware>();
        return app;
    }
}
