namespace KetamineCds.Api.Core;

/// <summary>
/// The body does not meet CDS Hooks 2.0 (a hook request, its context table, a feedback body): 400 with an
/// OperationOutcome naming the field, mapped in one place (Hosting/UnhandledErrors).
/// </summary>
public sealed class InvalidRequestBodyException(string message) : Exception(message);
