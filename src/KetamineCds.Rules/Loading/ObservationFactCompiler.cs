using KetamineCds.Rules.Conditions;
using KetamineCds.Rules.Facts;
using KetamineCds.Rules.Model;

namespace KetamineCds.Rules.Loading;

/// <summary>
/// <c>fact: observation</c>: results in a value set (or a component of them) in a window, testing one thing: that they
/// exist, that there are none, how many, the latest value, its coded result or its text.
/// </summary>
internal sealed class ObservationFactCompiler : FactCompiler
{
    public override string Name => "observation";

    public override IReadOnlyList<string> Parameters { get; } = Named(nameof(ConditionSpec.ValueSet), nameof(ConditionSpec.Component),
        nameof(ConditionSpec.Within), nameof(ConditionSpec.Value), nameof(ConditionSpec.Count), nameof(ConditionSpec.Coded),
        nameof(ConditionSpec.Text), nameof(ConditionSpec.Absent), nameof(ConditionSpec.Where), nameof(ConditionSpec.Preliminary),
        nameof(ConditionSpec.AnyPositive), nameof(ConditionSpec.AnyResult));

    public override IReadOnlyList<string> Reads(ConditionSpec spec) => ["Observation"];

    public override ICondition Compile(ConditionSpec spec, string pointer, FactCompilation with)
    {
        if (spec.AnyPositive == true && spec.Value is null && spec.Coded is null && spec.Text is null)
        {
            with.Report($"{pointer}/anyPositive", "anyPositive needs a test that can be positive: value, coded or text");
        }

        if (spec.AnyResult == true && (spec.Value is null || spec.AnyPositive == true))
        {
            with.Report($"{pointer}/anyResult", "anyResult needs a value test, and cannot be combined with anyPositive");
        }

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
            with.Report(pointer, "an observation fact tests one thing: absent, count, value, coded or text");
        }

        var test = tests.Count == 0 ? ObservationTest.Exists : tests[0];
        var window = with.Window(spec.Within, pointer);
        var observations = with.RequireValueSet(spec.ValueSet, pointer);
        var component = spec.Component is null ? null : with.RequireValueSet(spec.Component, pointer, "component");
        with.ReadsObservations(observations, window, pointer);
        if (component is not null)
        {
            // A reading may be recorded on its own, coded as the component (a standalone systolic pressure).
            with.ReadsObservations(component, window, pointer);
        }

        var comparison = test switch
        {
            ObservationTest.Value => with.RequireComparison(spec.Value, $"{pointer}/value", unitAllowed: true),
            ObservationTest.Count => with.RequireComparison(spec.Count, $"{pointer}/count", unitAllowed: false),
            _ => null,
        };
        return new ObservationFact(new ObservationQuery(observations, component, window, test, comparison,
            spec.Coded is null ? null : with.RequireValueSet(spec.Coded, pointer, "coded"), spec.Text, with.Where(spec, pointer),
            new ObservationOptions(spec.Preliminary == true, spec.AnyPositive == true, spec.AnyResult == true)), with.Answers);
    }
}
