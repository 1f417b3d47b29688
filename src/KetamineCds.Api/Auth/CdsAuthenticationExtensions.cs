using System.Security.Claims;
using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

/// <summary>Who may call the CDS Hooks endpoints: the EHR's JWT scheme and the policy the endpoints carry.</summary>
public static class CdsAuthentication
{
    public const string EhrScheme = "EhrJwt";
    public const string EhrPolicy = "ehr";
    public const string IssuerClaim = "iss";

    public static WebApplicationBuilder AddCdsAuthentication(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        var services = builder.Services;
        services.AddSingleton<InMemoryReplayCache>();
        services.AddSingleton<IReplayCache, StoreReplayCache>();
        services.AddSingleton<CdsJwtValidator>();
        services.AddSingleton<JwksCache>();
        services.AddHttpClient(nameof(JwksCache), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, EhrJwtAuthenticationHandler>(EhrScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(EhrPolicy, policy => policy.AddAuthenticationSchemes(EhrScheme).RequireAuthenticatedUser());
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

    /// <summary>The EHR's JWT on these endpoints (CDS Hooks 2.0 §Trusting CDS Clients).</summary>
    public static TBuilder RequireEhr<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(EhrPolicy);

    /// <summary>The trusted issuer that called, when authentication is on.</summary>
    public static string? Issuer(this ClaimsPrincipal user) => user.FindFirst(IssuerClaim)?.Value;
}
