namespace KetamineCds.Api.CdsHooks;

/// <summary>The request does not meet CDS Hooks 2.0 or the hook's context table; answered with 400 and an OperationOutcome.</summary>
public sealed class CdsRequestInvalidException(string message) : Exception(message);
