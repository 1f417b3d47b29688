using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;
using KetamineCds.Rules.Terminology;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// Compiles a condition tree into executable facts, reporting every problem (unknown fact, missing or stray
/// parameter, unresolved value set, bad window, unit or FHIRPath) at the JSON pointer where it sits.
/// </summary>
internal sealed partial class ConditionCompiler(
    IReadOnlyDictionary<string, ValueSetIndex> valueSets,
    AnswerScores answers,
    AntidepressantDoseTable doses,
    ISet<string> ruleIds,
    Action<string, string> report)
{
    public static readonly IReadOnlySet<string> Facts = new HashSet<string>
    {
        "age", "gender", "condition", "observation", "medication", "allergy", "draftOrder", "antidepressantTrials", "ketamineSeries",
    };

    /// <summary>Rule ids referenced by <c>ref:</c> nodes, for cycle checks.</summary>
    public List<string> References { get; } = [];

    /// <summary>The look-back of every fact that reads observations (null: no window, all history needed).</summary>
    public List<LookBack?> ObservationWindows { get; } = [];

    public ICondition Compile(ConditionSpec? spec, string pointer)
    {
        if (spec is null)
        {
            return AlwaysCondition.Instance;
        }

        var kinds = new[] { spec.All is not null, spec.Any is not null, spec.Not is not null, spec.Ref is not null, spec.Fact is not null }.Count(k => k);
        if (kinds != 1)
        {
            report(pointer, "a condition must have exactly one of: all, any, not, ref, fact");
            return AlwaysCondition.Instance;
        }

        if (spec.All is { } all)
        {
            return new AllCondition(all.Select((c, i) => Compile(c, $"{pointer}/all/{i}")).ToList());
        }

        if (spec.Any is { } any)
        {
            return new AnyCondition(any.Select((c, i) => Compile(c, $"{pointer}/any/{i}")).ToList());
        }

        if (spec.Not is { } not)
        {
            return new NotCondition(Compile(not, $"{pointer}/not"));
        }

        if (spec.Ref is { } reference)
        {
            if (!ruleIds.Contains(reference))
            {
                report($"{pointer}/ref", $"ref '{reference}' names no rule in the pack");
            }

            References.Add(reference);
            return new RuleReferenceCondition(reference);
        }

        return GuardUnretrievedData(spec, CompileFact(spec, pointer));
    }

    /// <summary>The record data each fact reads, so a fact over data the host could not retrieve is undecidable.</summary>
    private static ICondition GuardUnretrievedData(ConditionSpec spec, ICondition fact)
    {
        string[] reads = spec.Fact switch
        {
            "condition" => ["Condition"],
            "observation" => ["Observation"],
            "allergy" => ["AllergyIntolerance"],
            "medication" when spec.Property == "administrations" => ["MedicationAdministration"],
            "medication" => ["MedicationRequest", "MedicationStatement", "MedicationAdministration"],
            "antidepressantTrials" => ["MedicationRequest", "MedicationStatement", "MedicationDispense"],
            "ketamineSeries" => ["MedicationAdministration", "MedicationRequest", "MedicationStatement", "Observation"],
            _ => [],
        };
        if (reads.Length == 0)
        {
            // age and gender read the Patient (already undecidable without a birth date or gender); draftOrder reads the
            // hook's draft orders, and its body weight is already undecidable when missing.
            return fact;
        }

        var existence = spec.Absent != true && spec.Value is null
            && spec.Count is not ({ Lt: not null } or { Le: not null } or { Eq: not null } or { Ne: not null });
        return new UnretrievedDataGuard(fact, reads, existence);
    }

    private ICondition CompileFact(ConditionSpec spec, string pointer)
    {
        var fact = spec.Fact!;
        if (!Facts.Contains(fact))
        {
            report($"{pointer}/fact", $"unknown fact '{fact}'; known facts: {string.Join(", ", Facts)}");
            return AlwaysCondition.Instance;
        }

        var where = Where(spec, pointer);
        switch (fact)
        {
            case "age":
                Allow(spec, pointer, "value");
                return new AgeFact(RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: false));
            case "gender":
                Allow(spec, pointer, "gender");
                if (spec.Gender is not { Count: > 0 })
                {
                    report(pointer, "fact 'gender' needs a non-empty 'gender' list");
                }

                return new GenderFact(spec.Gender ?? []);
            case "condition":
                Allow(spec, pointer, "valueSet", "status", "within", "where", "expiresAfter");
                if (spec.Status is not (null or "active" or "ever"))
                {
                    report($"{pointer}/status", $"status must be 'active' or 'ever', not '{spec.Status}'");
                }

                return new ConditionFact(RequireValueSet(spec.ValueSet, pointer), spec.Status == "ever", Window(spec.Within, pointer), where,
                    Window(spec.ExpiresAfter, pointer, "expiresAfter"));
            case "observation":
                Allow(spec, pointer, "valueSet", "component", "within", "value", "count", "coded", "text", "absent", "where", "preliminary", "anyPositive");
                if (spec.AnyPositive == true && spec.Value is null && spec.Coded is null && spec.Text is null)
                {
                    report($"{pointer}/anyPositive", "anyPositive needs a test that can be positive: value, coded or text");
                }

                return CompileObservation(spec, pointer, where);
            case "medication":
                Allow(spec, pointer, "valueSet", "within", "count", "property", "where");
                if (spec.Property is not (null or "administrations"))
                {
                    report($"{pointer}/property", $"medication property must be 'administrations' or omitted, not '{spec.Property}'");
                }

                return new MedicationFact(RequireValueSet(spec.ValueSet, pointer), Window(spec.Within, pointer),
                    spec.Count is null ? null : RequireComparison(spec.Count, $"{pointer}/count", unitAllowed: false),
                    spec.Property == "administrations" ? MedicationSource.Administrations : MedicationSource.All, where);
            case "allergy":
                Allow(spec, pointer, "valueSet", "where");
                return new AllergyFact(RequireValueSet(spec.ValueSet, pointer), where);
            case "draftOrder":
                Allow(spec, pointer, "property", "value", "valueSet", "within");
                if (spec.Property is null || !DraftOrderFact.Properties.Contains(spec.Property))
                {
                    report($"{pointer}/property", $"draftOrder property must be one of: {string.Join(", ", DraftOrderFact.Properties)}");
                }

                if (spec.Property == DraftOrderFact.DosePerKg && spec.ValueSet is null)
                {
                    report(pointer, "draftOrder dosePerKg needs 'valueSet' naming the body-weight observations");
                }

                var weightWindow = Window(spec.Within, pointer);
                if (spec.Property == DraftOrderFact.DosePerKg)
                {
                    ObservationWindows.Add(weightWindow);
                }

                return new DraftOrderFact(spec.Property ?? "", RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: true),
                    spec.ValueSet is null ? null : RequireValueSet(spec.ValueSet, pointer), weightWindow);
            case "antidepressantTrials":
                Allow(spec, pointer, "valueSet", "within", "minDays", "count", "gap");
                if (doses.Count == 0)
                {
                    report(pointer, "fact 'antidepressantTrials' needs the pack's antidepressantDoseTable");
                }

                if (spec.MinDays is not > 0)
                {
                    report(pointer, "fact 'antidepressantTrials' needs 'minDays' greater than 0");
                }

                var within = Window(spec.Within, pointer);
                if (within is null)
                {
                    report(pointer, "fact 'antidepressantTrials' needs a look-back window 'within'");
                }

                return new AntidepressantTrialsFact(RequireValueSet(spec.ValueSet, pointer), doses, spec.MinDays ?? 1,
                    within ?? new LookBack(2, "y", "2y"), RequireComparison(spec.Count, $"{pointer}/count", unitAllowed: false),
                    Window(spec.Gap, pointer, "gap"));
            case "ketamineSeries":
                return CompileSeries(spec, pointer);
            default:
                // Facts lists every fact, and the check above returned for any other name: a fact in the list without a
                // case here is a programming error, never a rule-file error.
                throw new System.Diagnostics.UnreachableException($"fact '{fact}' is in Facts but has no compiler");
        }
    }

    private static readonly Dictionary<string, SeriesProperty> SeriesProperties = new(StringComparer.Ordinal)
    {
        ["count"] = SeriesProperty.Count,
        ["reductionPercent"] = SeriesProperty.ReductionPercent,
        ["latestScore"] = SeriesProperty.LatestScore,
        ["scoresSinceStart"] = SeriesProperty.ScoresSinceStart,
        ["withoutBaseline"] = SeriesProperty.WithoutBaseline,
    };

    private KetamineSeriesFact CompileSeries(ConditionSpec spec, string pointer)
    {
        Allow(spec, pointer, "valueSet", "scores", "gap", "within", "property", "value");
        if (spec.Property is null || !SeriesProperties.TryGetValue(spec.Property, out var property))
        {
            report($"{pointer}/property", $"ketamineSeries property must be one of: {string.Join(", ", SeriesProperties.Keys)}");
            property = SeriesProperty.Count;
        }

        var gap = Window(spec.Gap, pointer, "gap");
        if (gap is null)
        {
            report(pointer, "fact 'ketamineSeries' needs 'gap': the longest pause within one series, e.g. 21d");
        }

        var baseline = Window(spec.Within, pointer);
        if (baseline is null)
        {
            report(pointer, "fact 'ketamineSeries' needs 'within': how far before the first infusion a baseline score may be, e.g. 30d");
        }

        var comparison = property == SeriesProperty.WithoutBaseline ? null : RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: false);
        return new KetamineSeriesFact(RequireValueSet(spec.ValueSet, pointer), RequireValueSet(spec.Scores, pointer, "scores"),
            gap ?? new LookBack(21, "d", "21d"), baseline ?? new LookBack(30, "d", "30d"), property, comparison, answers);
    }

    private ObservationFact CompileObservation(ConditionSpec spec, string pointer, FhirPathFilter? where)
    {
        var tests = new List<ObservationTest>();
        if (spec.Absent == true)
        {
            tests.Add(ObservationTest.Absent);
        }

        if (spec.Count is not null)
        {
            tests.Add(ObservationTest.Count);
        }

        if (spec.Value is not null)
        {
            tests.Add(ObservationTest.Value);
        }

        if (spec.Coded is not null)
        {
            tests.Add(ObservationTest.Coded);
        }

        if (spec.Text is not null)
        {
            tests.Add(ObservationTest.Text);
        }

        if (tests.Count > 1)
        {
            report(pointer, "an observation fact tests one thing: absent, count, value, coded or text");
        }

        var test = tests.Count == 0 ? ObservationTest.Exists : tests[0];
        var window = Window(spec.Within, pointer);
        ObservationWindows.Add(window);
        var comparison = test switch
        {
            ObservationTest.Value => RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: true),
            ObservationTest.Count => RequireComparison(spec.Count, $"{pointer}/count", unitAllowed: false),
            _ => null,
        };
        return new ObservationFact(RequireValueSet(spec.ValueSet, pointer),
            spec.Component is null ? null : RequireValueSet(spec.Component, pointer, "component"),
            window, test, comparison,
            spec.Coded is null ? null : RequireValueSet(spec.Coded, pointer, "coded"), spec.Text, where, answers,
            new ObservationOptions(spec.Preliminary == true, spec.AnyPositive == true));
    }
}
