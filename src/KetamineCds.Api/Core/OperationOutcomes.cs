using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace KetamineCds.Api.Core;

/// <summary>
/// Error bodies as FHIR OperationOutcome (CDS Hooks 3.0 ballot: non-2xx responses SHOULD carry one; 2.0 allows it).
/// The diagnostics text is ours, never the request echoed back.
/// </summary>
public static class OperationOutcomes
{
    private static readonly FhirJsonSerializer Serializer = new();

    public static IResult Result(int status, OperationOutcome.IssueType type, string diagnostics)
    {
        var outcome = new OperationOutcome
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = type, Diagnostics = diagnostics }],
        };
        return Results.Content(Serializer.SerializeToString(outcome), "application/fhir+json", statusCode: status);
    }
}
