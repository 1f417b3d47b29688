using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Evaluation;

/// <summary>
/// What a clinician, a site and a regulator may read about one rule without any patient data: its intended use, its
/// evidence, its thresholds and where they come from, who developed and signed it off, when it was last reviewed, and
/// which demographic and assessment data it uses. FDA's 2022 CDS guidance (criterion 4: the clinician can
/// independently review the basis of a recommendation) and ONC HTI-1's source attributes for evidence-based decision
/// support interventions (45 CFR 170.315(b)(11)(iv)(A)) ask for exactly this. Derived from the compiled rule, so the
/// page cannot drift from what runs.
/// </summary>
public sealed record InterventionDetails(
    string RuleId,
    string Version,
    string Title,
    string Category,
    string Indicator,
    IReadOnlyList<string> Hooks,
    string TopicCode,
    string IntendedUse,
    IReadOnlyList<ReferenceSpec> Evidence,
    IReadOnlyList<string> Thresholds,
    string? ThresholdSource,
    string Developer,
    string? Contact,
    string? FundingSource,
    string? SignedOffBy,
    string? SignedOffOn,
    string? Released,
    string LastReviewed,
    IReadOnlyList<string> DataElements)
{
    /// <summary>USCDI data elements HTI-1 asks an intervention to say it uses (source attribute 5), in its words.</summary>
    public const string DateOfBirth = "date of birth";
    public const string Sex = "sex";
    public const string HealthStatusAssessments = "health status assessments";

    /// <summary>The details of one rule of a pack.</summary>
    public static InterventionDetails Of(CompiledRule rule, CompiledPack pack)
    {
        var intervention = pack.Intervention;
        var facts = ConditionWalk.Facts(rule.Spec, pack.RulesById).ToList();
        return new InterventionDetails(rule.Id, rule.Version, rule.Spec.Title, rule.Spec.Category, rule.Spec.Card.Indicator, rule.Spec.Hooks,
            rule.Spec.Card.Source.Topic?.Code ?? TopicCodeOf(rule.Id),
            rule.Spec.IntendedUse ?? intervention?.IntendedUse ?? "",
            rule.Spec.References,
            [.. facts.Select(Threshold).OfType<string>().Distinct(StringComparer.Ordinal)],
            rule.Spec.ThresholdSource,
            intervention?.Developer ?? pack.Name, intervention?.Contact, intervention?.FundingSource,
            intervention?.SignedOffBy, intervention?.SignedOffOn, intervention?.Released,
            rule.Spec.LastReviewed,
            [.. facts.SelectMany(f => DataElementsOf(f, pack)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    /// <summary>The stable, alphanumeric <c>source.topic.code</c> a rule's cards carry: its id without punctuation (KET-13-CRIT → KET13CRIT).</summary>
    public static string TopicCodeOf(string ruleId) => string.Concat(ruleId.Where(char.IsAsciiLetterOrDigit));

    private static string? Threshold(ConditionSpec fact)
    {
        var comparison = Comparison(fact.Value) ?? Comparison(fact.Count);
        if (comparison is null && fact.Within is null && fact.MinDays is null)
        {
            return null;
        }

        var subject = string.Join(" ", new[] { fact.Fact, fact.Property, fact.ValueSet, fact.Component, fact.Count is not null ? "count" : null }.OfType<string>());
        return string.Join(" ", new[] { subject, comparison, fact.Within is { } within ? $"within {within}" : null,
            fact.MinDays is { } days ? $"for at least {days} days" : null }.OfType<string>());
    }

    private static string? Comparison(ComparisonSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }

        var (symbol, value) = spec switch
        {
            { Ge: { } v } => ("≥", v),
            { Gt: { } v } => (">", v),
            { Le: { } v } => ("≤", v),
            { Lt: { } v } => ("<", v),
            { Eq: { } v } => ("=", v),
            { Ne: { } v } => ("≠", v),
            _ => ("", 0m),
        };
        return symbol.Length == 0 ? null : $"{symbol} {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(spec.Unit is { } unit ? $" {unit}" : "")}";
    }

    private static IEnumerable<string> DataElementsOf(ConditionSpec fact, CompiledPack pack)
    {
        switch (fact.Fact)
        {
            case "age":
                yield return DateOfBirth;
                break;
            case "gender":
                yield return Sex;
                break;
            case "ketamineSeries" when fact.Scores is not null:
                yield return $"{HealthStatusAssessments} (depression severity scores)";
                break;
        }

        foreach (var name in new[] { fact.ValueSet, fact.Scores }.OfType<string>())
        {
            if (pack.ValueSets.TryGetValue(name, out var set) && fact.Fact is "observation" or "ketamineSeries")
            {
                if (set.ObservationCategories.Contains("survey"))
                {
                    yield return $"{HealthStatusAssessments} (depression severity scores)";
                }

                if (set.ObservationCategories.Contains("social-history"))
                {
                    yield return $"{HealthStatusAssessments} (pregnancy status)";
                }
            }
        }
    }
}
