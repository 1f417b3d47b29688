using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace KetamineCds.Rules.Facts;

/// <summary>
/// An optional <c>where:</c> FHIRPath predicate that narrows which resources a fact considers. Compiled once
/// when the pack loads, so a syntax error stops the load instead of a request.
/// </summary>
internal sealed class FhirPathFilter
{
    private static readonly FhirPathCompiler Compiler = new();
    private readonly CompiledExpression _expression;

    private FhirPathFilter(string text, CompiledExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    public string Text { get; }

    public static FhirPathFilter Compile(string text) => new(text, Compiler.Compile(text));

    public bool Accepts(Base resource) => _expression.Predicate(resource, new EvaluationContext());
}

internal static class FhirPathFilterExtensions
{
    public static bool Admits(this FhirPathFilter? filter, Base resource) => filter is null || filter.Accepts(resource);
}
