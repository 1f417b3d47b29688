using System.Text.Json;

namespace KetamineCds.Api.CdsHooks;

/// <summary>How the EHR answered one prefetch key (spec §Prefetch: a null value means "no data", a missing key "not supplied").</summary>
public enum PrefetchState
{
    NotSupplied,
    NoData,
    Supplied,
    /// <summary>The EHR sent an OperationOutcome: it tried and failed (spec P-8).</summary>
    Failed,
}

/// <summary>A validated CDS Hooks request. FHIR content stays as JSON until the hook needs it.</summary>
public sealed record CdsRequest(
    string Hook,
    string HookInstance,
    Uri? FhirServer,
    string? AccessToken,
    string PatientId,
    string UserId,
    string? EncounterId,
    JsonElement? DraftOrders,
    IReadOnlyList<string> Selections,
    IReadOnlyDictionary<string, JsonElement?> Prefetch)
{
    /// <summary>The optional members of <c>fhirAuthorization</c> the EHR left out (expires_in, scope, subject).</summary>
    public IReadOnlyList<string> MissingAuthorizationFields { get; init; } = [];

    /// <summary>The request's extensions with text or number values (an EHR's trigger, version), by name.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>();

    public PrefetchState StateOf(string key) => !Prefetch.TryGetValue(key, out var value) ? PrefetchState.NotSupplied
        : value is null ? PrefetchState.NoData
        : value.Value.TryGetProperty("resourceType", out var type) && type.ValueEquals("OperationOutcome") ? PrefetchState.Failed
        : PrefetchState.Supplied;
}
