using System.Globalization;
using Hl7.Fhir.Model;
using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Facts;

/// <summary>What a <c>ketamineSeries</c> fact reads from the current series.</summary>
internal enum SeriesProperty
{
    /// <summary>Infusions in the current series.</summary>
    Count,

    /// <summary>Percent fall of the severity score from the baseline to the latest score since the series began.</summary>
    ReductionPercent,

    /// <summary>The latest severity score since the series began.</summary>
    LatestScore,

    /// <summary>Severity scores recorded since the series began.</summary>
    ScoresSinceStart,

    /// <summary>Holds when there is a current series and no baseline score before it.</summary>
    WithoutBaseline,

    /// <summary>The largest percent fall from the baseline of any score since the series began (did it ever respond?).</summary>
    BestReductionPercent,

    /// <summary>Days from the first session of the current series to today (how long the course has run).</summary>
    DaysSinceStart,
}

/// <summary>How a course is cut into series: the pause within an induction, the pause in maintenance, and how many sessions an induction holds.</summary>
internal sealed record SeriesShape(LookBack Gap, LookBack MaintenanceGap, int Induction);

/// <summary>
/// <c>fact: ketamineSeries</c>: IV ketamine as a course, not an order. A session is a day on which a product in
/// <c>valueSet</c> was given (administrations completed or in progress; a bag changed or a rate charted twice is still one
/// session); where the record has none, completed orders and statements stand in. Sessions belong to one series while no
/// pause exceeds <c>gap</c> during the induction (its first <c>induction</c> sessions) or <c>maintenanceGap</c> after it
/// (four-weekly maintenance is one course); the current series is the one whose last session is within that pause of
/// today (an order after a longer pause starts a new induction). The baseline is
/// the latest severity score (<c>scores</c>: PHQ-9, or local MADRS and HAM-D codes) in the <c>within</c> window before
/// the first infusion of the series; change, response and remission compare the latest score since then with it
/// (Murrough 2013: six infusions over about 12 days; Spravato USPI: judge benefit at the end of induction). The
/// evidence lists the baseline and every score since, dated, so the card shows the trajectory.
/// </summary>
internal sealed class KetamineSeriesFact(
    ValueSetIndex ketamine, ValueSetIndex scores, SeriesShape shape, LookBack baselineWithin, SeriesProperty property, Comparison? comparison,
    AnswerScores answers) : ICondition
{
    private sealed record Score(Observation Observation, DateTimeOffset When, decimal Value, string Label);

    private sealed record Series(IReadOnlyList<DateTimeOffset> Infusions, Score? Baseline, IReadOnlyList<Score> Since);

    public ConditionResult Evaluate(IFactContext context)
    {
        var series = Read(context);
        if (series.Infusions.Count == 0)
        {
            return ConditionResult.Of(false, [], $"no current ketamine series (no infusion in the last {shape.Gap.Describe()}, or {shape.MaintenanceGap.Describe()} in maintenance)");
        }

        var summary = Summary(series);
        var trajectory = Trajectory(series);
        switch (property)
        {
            case SeriesProperty.Count:
                return ConditionResult.Of(comparison!.Holds(series.Infusions.Count), [summary, .. trajectory],
                    () => $"{series.Infusions.Count} infusions in the current series {comparison.Describe()}");
            case SeriesProperty.WithoutBaseline:
                return ConditionResult.Of(series.Baseline is null, [summary, .. trajectory],
                    () => series.Baseline is null ? $"no severity score in the {baselineWithin.Describe()} before the series began" : "baseline score recorded");
            case SeriesProperty.DaysSinceStart:
                var days = (int)(context.Now - series.Infusions[0]).TotalDays;
                return ConditionResult.Of(comparison!.Holds(days), [summary, .. trajectory],
                    () => $"series began {days} days ago {comparison.Describe()}");
            case SeriesProperty.ScoresSinceStart:
                return ConditionResult.Of(comparison!.Holds(series.Since.Count), [summary, .. trajectory],
                    () => $"{series.Since.Count} severity scores since the series began {comparison.Describe()}");
        }

        if (series.Since.Count == 0)
        {
            return ConditionResult.Unknown("no severity score recorded since the series began", [summary, .. trajectory]);
        }

        var latest = series.Since[^1];
        if (property == SeriesProperty.LatestScore)
        {
            var latestEvidence = new EvidenceItem($"Observation/{latest.Observation.Id}", $"Latest {latest.Label}", $"{latest.Label} {Number(latest.Value)}", latest.When);
            return ConditionResult.Of(comparison!.Holds(latest.Value), [latestEvidence, summary, .. trajectory], () => $"latest score {Number(latest.Value)} {comparison.Describe()}");
        }

        if (series.Baseline is not { Value: > 0 } baseline)
        {
            return ConditionResult.Unknown($"no baseline score in the {baselineWithin.Describe()} before the series began", [summary, .. trajectory]);
        }

        if (property == SeriesProperty.BestReductionPercent)
        {
            var best = series.Since.MinBy(s => s.Value)!;
            var bestReduction = Math.Round((baseline.Value - best.Value) / baseline.Value * 100m, 0);
            var bestChange = new EvidenceItem($"Observation/{best.Observation.Id}", "Best score since baseline",
                $"{Number(baseline.Value)} → {Number(best.Value)} ({Number(bestReduction)} % reduction)", best.When);
            return ConditionResult.Of(comparison!.Holds(bestReduction), [bestChange, summary, .. trajectory],
                () => $"best reduction from baseline {Number(bestReduction)} % {comparison.Describe()}");
        }

        var reduction = Math.Round((baseline.Value - latest.Value) / baseline.Value * 100m, 0);
        var change = new EvidenceItem(null, "Change from baseline", $"{Number(baseline.Value)} → {Number(latest.Value)} ({Number(reduction)} % reduction)", latest.When);
        return ConditionResult.Of(comparison!.Holds(reduction), [change, summary, .. trajectory], () => $"{Number(reduction)} % reduction from baseline {comparison.Describe()}");
    }

    private Series Read(IFactContext context)
    {
        var infusions = Infusions(context);
        var inductionGap = context.Now - shape.Gap.Since(context.Now);
        var maintenanceGap = context.Now - shape.MaintenanceGap.Since(context.Now);
        TimeSpan AllowedAfter(int sessionsSoFar) => sessionsSoFar >= shape.Induction ? maintenanceGap : inductionGap;

        // Forward through the sessions: a pause longer than the series allows at that point starts a new series.
        var first = 0;
        for (var i = 1; i < infusions.Count; i++)
        {
            if (infusions[i] - infusions[i - 1] > AllowedAfter(i - first))
            {
                first = i;
            }
        }

        if (infusions.Count == 0 || context.Now - infusions[^1] > AllowedAfter(infusions.Count - first))
        {
            return new Series([], null, []);
        }

        var start = infusions[first];
        var results = ScoresOf(context);
        var baselineFrom = baselineWithin.Since(start);
        var baseline = results.LastOrDefault(s => s.When < start && s.When >= baselineFrom);
        return new Series(infusions[first..], baseline, [.. results.Where(s => s.When >= start)]);
    }

    private List<DateTimeOffset> Infusions(IFactContext context)
    {
        var record = context.Record;
        var latestAllowed = context.Now.AddDays(1);
        var times = record.Index.MedicationAdministrationsCodedIn(ketamine)
            .Where(a => a.Status is MedicationAdministration.MedicationAdministrationStatusCodes.Completed
                or MedicationAdministration.MedicationAdministrationStatusCodes.InProgress)
            .Select(a => FhirTime.Of(a.Effective)).OfType<DateTimeOffset>().ToList();
        if (times.Count == 0)
        {
            // No administrations: completed orders and statements are the best record of what was given.
            times.AddRange(record.Index.MedicationRequestsCodedIn(ketamine).Where(r => r.Status == MedicationRequest.MedicationrequestStatus.Completed)
                .Select(r => FhirTime.Parse(r.AuthoredOn)).OfType<DateTimeOffset>());
            times.AddRange(record.Index.MedicationStatementsCodedIn(ketamine).Where(s => s.Status == MedicationStatement.MedicationStatusCodes.Completed)
                .Select(s => FhirTime.Of(s.Effective)).OfType<DateTimeOffset>());
        }

        // One session a day: the first administration of each day stands for it.
        return [.. times.Where(t => t <= latestAllowed).Order().DistinctBy(t => t.Date)];
    }

    private List<Score> ScoresOf(IFactContext context)
    {
        var found = new List<Score>();
        var index = context.Record.Index;
        // A score recorded on its own, or as a component of its panel (a PHQ-9 panel carrying its total).
        foreach (var observation in index.ObservationsCodedIn(scores).Concat(index.PanelsWithComponentIn(scores)))
        {
            var part = index.Match(scores, observation.Code) is null ? observation.Component.FirstOrDefault(c => index.Match(scores, c.Code) is not null) : null;
            if (!ObservationValue.IsResult(observation, preliminaryCounts: false) || index.TimeOf(observation) is not { } when
                || ObservationValue.Numeric(ObservationValue.Of(observation, part), answers) is not { Value: { } value })
            {
                continue;
            }

            var code = part?.Code ?? observation.Code;
            var label = code?.Text ?? code?.Coding.FirstOrDefault(c => c.Display is not null)?.Display ?? scores.Title;
            found.Add(new Score(observation, when, value, label));
        }

        return [.. found.OrderBy(s => s.When)];
    }

    private static EvidenceItem Summary(Series series) =>
        new(null, "Current ketamine series", $"infusion {series.Infusions.Count} since {series.Infusions[0]:yyyy-MM-dd}", series.Infusions[^1],
            $"infusions on {string.Join(", ", series.Infusions.Select(i => i.ToString("MM-dd", CultureInfo.InvariantCulture)))}");

    private List<EvidenceItem> Trajectory(Series series)
    {
        var points = new List<EvidenceItem>();
        points.Add(series.Baseline is { } baseline
            ? new EvidenceItem($"Observation/{baseline.Observation.Id}", $"Baseline {baseline.Label}", Number(baseline.Value), baseline.When, "before the first infusion", Score: baseline.Value)
            : new EvidenceItem(null, "Baseline score", "none recorded", null, $"no score in the {baselineWithin.Describe()} before the first infusion"));
        foreach (var score in series.Since)
        {
            var infusionsBefore = series.Infusions.Count(i => i <= score.When);
            points.Add(new EvidenceItem($"Observation/{score.Observation.Id}", score.Label, Number(score.Value), score.When, $"after infusion {infusionsBefore}", Score: score.Value));
        }

        return points;
    }

    private static string Number(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
