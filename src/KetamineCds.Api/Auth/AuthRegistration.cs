using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

/// <summary>The EHR's JWT as an authentication scheme behind the <c>ehr</c> policy, with JWKS, replay protection and its options.</summary>
public static class AuthRegistration
{
    public static WebApplicationBuilder AddCdsAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        var services = builder.Services;
        services.AddSingleton<InMemoryReplayCache>();
        services.AddSingleton<IReplayCache, StoreReplayCache>();
        services.AddSingleton<CdsJwtValidator>();
        services.AddSingleton<EhrProfiles>();
        services.AddSingleton<JwksCache>();
        services.AddHttpClient(nameof(JwksCache), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, EhrJwtAuthenticationHandler>(CdsAuthentication.EhrScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(CdsAuthentication.EhrPolicy, policy => policy.AddAuthenticationSchemes(CdsAuthentication.EhrScheme).RequireAuthenticatedUser());
        return builder;
    }

    public static WebApplication UseCdsAuthentication(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled)
        {
            app.Logger.AuthenticationDisabled();
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
