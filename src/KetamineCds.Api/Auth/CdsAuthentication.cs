using System.Security.Claims;

namespace KetamineCds.Api.Auth;

/// <summary>Who may call the CDS Hooks endpoints: the EHR's JWT scheme, the policy the endpoints carry, the caller's issuer.</summary>
public static class CdsAuthentication
{
    public const string EhrScheme = "EhrJwt";
    public const string EhrPolicy = "ehr";
    public const string IssuerClaim = "iss";

    /// <summary>The EHR's JWT on these endpoints (CDS Hooks 2.0 §Trusting CDS Clients).</summary>
    public static TBuilder RequireEhr<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(EhrPolicy);

    /// <summary>The trusted issuer that called, when authentication is on.</summary>
    public static string? Issuer(this ClaimsPrincipal user) => user.FindFirst(IssuerClaim)?.Value;
}
