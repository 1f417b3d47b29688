using KetamineCds.Api.RulePack;

namespace KetamineCds.Api.Admin;

/// <param name="ContentHash">What the rule does, as a hash: it changes when anything but the version, review date or approval changes.</param>
public sealed record RuleSummary(string Id, string Version, string Title, string Status, string Category, string Indicator, IReadOnlyList<string> Hooks,
    string LastReviewed, string? ApprovedBy, string? ApprovedOn, string ContentHash, string File, int Line);

/// <param name="Trigger">What made the pack live: start-up, file change or admin request.</param>
/// <param name="Impact">For a pack made live by a reload: the cards gained, lost or changed over its test cases, compared with the pack before.</param>
public sealed record LivePackSummary(string Name, string Version, string ContentHash, DateTimeOffset LoadedAt, int TestsPassed, string Trigger, string? Impact,
    IReadOnlyList<RuleSummary> Rules);

public sealed record RulePackStatus(LivePackSummary Live, bool ReloadOnChange, ReloadAttempt? LastReload);

/// <summary>What is live, the last reload attempt with its errors, and a reload on demand.</summary>
public static class RulePackAdmin
{
    public static RulePackStatus Status(RulePackProvider packs, Microsoft.Extensions.Options.IOptions<RulesOptions> options) =>
        new(Summarise(packs.Live), options.Value.ReloadOnChange, packs.LastReload);

    /// <summary>
    /// Reload now (when file watching is off, or to confirm an edit), on the reload thread like a file change. JSON only,
    /// so a cross-site form cannot trigger it.
    /// </summary>
    public static async Task<IResult> Reload(HttpRequest request, RulePackWatcher reloads)
    {
        if (!request.HasJsonContentType())
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        var attempt = await reloads.RequestAsync("admin request");
        return attempt.Outcome == ReloadOutcome.Rejected ? Results.UnprocessableEntity(attempt) : Results.Ok(attempt);
    }

    private static LivePackSummary Summarise(LivePack live) => new(
        live.Pack.Name,
        live.Pack.Version,
        live.Pack.ContentHash,
        live.LoadedAt,
        live.TestsPassed,
        live.Trigger,
        live.Impact?.Summary,
        live.Pack.Rules
            .Select(r => new RuleSummary(r.Id, r.Version, r.Spec.Title, r.Spec.Status, r.Spec.Category, r.Spec.Card.Indicator, r.Spec.Hooks, r.Spec.LastReviewed,
                r.Spec.ApprovedBy, r.Spec.ApprovedOn, live.Pack.RuleContentHashes[r.Id], r.File, r.Line))
            .ToList());
}
