using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Admin;

/// <summary>
/// Admin and operator endpoints behind the admin credential: the live pack, reload and the history of live packs, rule statistics, the Prometheus
/// scrape endpoint; and the admin group other features map their admin endpoints on (the preview).
/// </summary>
public static class AdminRegistration
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AdminOptions, AdminKeyStrength>(AdminOptions.Section);
        builder.Services.AddSingleton<AdminLockout>();
        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminKeyAuthenticationHandler.Policy, policy => policy.AddAuthenticationSchemes(AdminKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddHostedService<PackHistoryRecorder>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup();
        group.MapGet("/statistics", AdminApi.StatisticsAsync).WithName("RuleStatistics")
            .WithSummary("Per rule: cards issued, accepted, overridden, override rate, top override reasons, since a look-back (e.g. 30d)")
            .Produces<IReadOnlyList<RuleStatistics>>();
        group.MapGet("/rules", RulePackAdmin.Status).WithName("RulePackStatus")
            .WithSummary("The live rule pack (name, version, hash, load time, every rule) and the last reload attempt with its errors");
        group.MapPost("/rules/reload", RulePackAdmin.Reload).WithName("ReloadRulePack")
            .WithSummary("Validate the rule folder and its tests now; swap it in if it passes (422 with every error if not), with the impact over its test cases");
        group.MapGet("/rules/history", PackHistoryApi.HistoryAsync).WithName("RulePackHistory")
            .WithSummary("Every pack that went live on any replica, newest first: time, replica, trigger, old and new pack and hash, rule versions, impact")
            .Produces<IReadOnlyList<PackHistoryEntry>>();
        group.MapGet("/rules/at", PackHistoryApi.AtAsync).WithName("RulePackAt")
            .WithSummary("Per replica, the pack and rule versions live at a time (ISO 8601)")
            .Produces<IReadOnlyList<LiveAt>>();
        return app;
    }

    /// <summary>The admin group, behind the admin credential, for other features to map their admin endpoints on (the preview).</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AdminKeyAuthenticationHandler.Policy);

    /// <summary><c>/metrics</c> for Prometheus, behind the admin key like every operator endpoint.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.PrometheusEnabled)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(AdminKeyAuthenticationHandler.Policy);
        }

        return app;
    }
}
