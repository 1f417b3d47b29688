namespace KetamineCds.Api.Core;

/// <summary>
/// The shape of every error body, for the OpenAPI document only (the bodies themselves are written by Firely): a FHIR
/// OperationOutcome with one issue, as CDS Hooks clients and FHIR tooling read it.
/// </summary>
public sealed record OperationOutcomeDocument(string ResourceType, IReadOnlyList<OperationOutcomeIssueDocument> Issue);

/// <param name="Severity">error</param>
/// <param name="Code">The FHIR issue type: invalid, not-found, incomplete, too-long, not-supported, transient, exception…</param>
/// <param name="Diagnostics">What was wrong, in words; never the request echoed back.</param>
public sealed record OperationOutcomeIssueDocument(string Severity, string Code, string Diagnostics);

public static class OperationOutcomeMetadata
{
    /// <summary>Declares an error status whose body is an OperationOutcome (application/fhir+json).</summary>
    public static RouteHandlerBuilder ProducesOperationOutcome(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<OperationOutcomeDocument>(status, "application/fhir+json");
        }

        return builder;
    }
}
