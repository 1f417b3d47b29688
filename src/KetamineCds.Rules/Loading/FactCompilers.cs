namespace KetamineCds.Rules.Loading;

/// <summary>The closed set of facts, by name: the vocabulary of <c>fact:</c> is the keys of this table.</summary>
internal static class FactCompilers
{
    public static IReadOnlyDictionary<string, FactCompiler> ByName { get; } = new FactCompiler[]
    {
        new AgeFactCompiler(),
        new GenderFactCompiler(),
        new ConditionFactCompiler(),
        new ObservationFactCompiler(),
        new MedicationFactCompiler(),
        new AllergyFactCompiler(),
        new DraftOrderFactCompiler(),
        new AntidepressantTrialsFactCompiler(),
        new KetamineSeriesFactCompiler(),
        new ProcedureFactCompiler(),
        new ConsentFactCompiler(),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Every fact name, in the order above (the order the schema lists them).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys];
}
