using KetamineCds.Api.RulePack;

namespace KetamineCds.Api.Admin;

public sealed record RuleSummary(string Id, string Version, string Title, string Status, string Category, string Indicator, IReadOnlyList<string> Hooks, string LastReviewed, string File, int Line);

public sealed record LivePackSummary(string Name, string Version, string ContentHash, DateTimeOffset LoadedAt, int TestsPassed, IReadOnlyList<RuleSummary> Rules);

public sealed record RulePackStatus(LivePackSummary Live, bool ReloadOnChange, ReloadAttempt? LastReload);

/// <summary>What is live, the last reload attempt with its errors, and a reload on demand.</summary>
public static class RulePackAdmin
{
    public static RulePackStatus Status(RulePackProvider packs, Microsoft.Extensions.Options.IOptions<RulesOptions> options) =>
        new(Summarise(packs.Live), options.Value.ReloadOnChange, packs.LastReload);

    /// <summary>Reload now (when file watching is off, or to confirm an edit). JSON only, so a cross-site form cannot trigger it.</summary>
    public static IResult Reload(HttpRequest request, RulePackProvider packs)
    {
        if (!request.HasJsonContentType())
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var attempt = packs.Reload("admin request");
        return attempt.Outcome == ReloadOutcome.Rejected ? Results.UnprocessableEntity(attempt) : Results.Ok(attempt);
    }

    private static LivePackSummary Summarise(LivePack live) => new(
        live.Pack.Name,
        live.Pack.Version,
        live.Pack.ContentHash,
        live.LoadedAt,
        live.TestsPassed,
        live.Pack.Rules
            .Select(r => new RuleSummary(r.Id, r.Version, r.Spec.Title, r.Spec.Status, r.Spec.Category, r.Spec.Card.Indicator, r.Spec.Hooks, r.Spec.LastReviewed, r.File, r.Line))
            .ToList());
}
