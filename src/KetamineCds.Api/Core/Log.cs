namespace KetamineCds.Api.Core;

/// <summary>Source-generated log messages. None takes a patient identifier, clinical value or token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "FHIR query for prefetch key {PrefetchKey} failed: {FailureKind}")]
    public static partial void FhirQueryFailed(this ILogger logger, string prefetchKey, string failureKind);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "fhirServer host {Host} is not on the allowlist; nothing was fetched")]
    public static partial void FhirServerNotAllowed(this ILogger logger, string host);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Rule {RuleId}@{RuleVersion} failed to evaluate: {Reason}")]
    public static partial void RuleEvaluationFailed(this ILogger logger, string ruleId, string ruleVersion, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Rule pack {PackName}@{PackVersion} loaded ({RuleCount} rules, hash {ContentHash})")]
    public static partial void RulePackLoaded(this ILogger logger, string packName, string packVersion, int ruleCount, string contentHash);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Request rejected: {Reason}")]
    public static partial void RequestRejected(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Required data unavailable for keys {Keys}: {Reason}")]
    public static partial void RequiredDataUnavailable(this ILogger logger, string keys, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "JWT from issuer {Issuer} rejected ({RejectionKind}): {Reason}")]
    public static partial void JwtRejected(this ILogger logger, string issuer, string rejectionKind, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "JWT from issuer {Issuer} accepted; keys from {KeySource}")]
    public static partial void JwtAccepted(this ILogger logger, string issuer, string keySource);

    [LoggerMessage(EventId = 22, Level = LogLevel.Debug, Message = "FHIR access warm-up skipped: {Reason}")]
    public static partial void FhirWarmUpSkipped(this ILogger logger, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "CORS allows ANY origin (Development): browser EHRs and sandboxes can call from anywhere; set Http:AllowedOrigins outside Development")]
    public static partial void CorsAllowsAnyOrigin(this ILogger logger);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} (trace {TraceId}); no advice was produced\n{StackTrace}")]
    public static partial void UnhandledError(this ILogger logger, string exceptionType, string traceId, string stackTrace);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Audit queue full: {Dropped} records dropped in the last {Seconds} s ({Total} since start)")]
    public static partial void AuditRecordsDropped(this ILogger logger, long dropped, int seconds, long total);


    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "Store unavailable for the {Task}; trying again (every {RetrySeconds} s for a migration, at the next run for a purge)")]
    public static partial void StoreMaintenanceFailed(this ILogger logger, string task, int retrySeconds);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Store unavailable at shutdown: {Count} audit records could not be written")]
    public static partial void AuditRecordsLostAtShutdown(this ILogger logger, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The store is unavailable; answered 503, nothing was kept")]
    public static partial void StoreUnavailableAnswered(this ILogger logger);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Retention purge removed {Count} records older than {Days} days")]
    public static partial void RetentionPurged(this ILogger logger, int count, int days);


    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Authentication is DISABLED (Auth:Enabled=false): any caller is trusted")]
    public static partial void AuthenticationDisabled(this ILogger logger);

    [LoggerMessage(EventId = 25, Level = LogLevel.Debug, Message = "fhirAuthorization lacks {Fields}; only the token is needed, the call goes on")]
    public static partial void AuthorizationFieldsMissing(this ILogger logger, string fields);

    // Said once at start-up as a warning; per call only at Debug, so development logs stay readable.
    [LoggerMessage(EventId = 24, Level = LogLevel.Debug, Message = "Call accepted without authentication (Auth:Enabled=false)")]
    public static partial void CallNotAuthenticated(this ILogger logger);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Rule pack swapped ({Trigger}): {OldName}@{OldVersion} (hash {OldHash}) -> {NewName}@{NewVersion} (hash {NewHash})")]
    public static partial void RulePackSwapped(this ILogger logger, string trigger, string oldName, string oldVersion, string oldHash, string newName, string newVersion, string newHash);

    [LoggerMessage(EventId = 17, Level = LogLevel.Error, Message = "Rule pack reload ({Trigger}) rejected with {ErrorCount} error(s); {Name}@{Version} (hash {Hash}) keeps serving")]
    public static partial void RulePackRejected(this ILogger logger, string trigger, int errorCount, string name, string version, string hash);

    [LoggerMessage(EventId = 18, Level = LogLevel.Error, Message = "Rule pack error {File}:{Line} [{RuleId}]: {Message}")]
    public static partial void RulePackError(this ILogger logger, string file, int line, string ruleId, string message);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "Rule pack reload could not read the folder ({Reason}); waiting for the next change")]
    public static partial void RulePackUnreadable(this ILogger logger, string reason);



    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Rule {RuleId} started at version {Version} with content other than the last recorded pack's {RuleId}@{Version}; give it a new version and lastReviewed")]
    public static partial void RuleUnversionedAtStartUp(this ILogger logger, string ruleId, string version);

    [LoggerMessage(EventId = 63, Level = LogLevel.Warning, Message = "Admin authentication failed {Count} time(s) (wrong key; the first of a run, then one line per {Seconds} s); repeated failures from one address get 429")]
    public static partial void AdminKeyFailures(this ILogger logger, long count, int seconds);

    [LoggerMessage(EventId = 64, Level = LogLevel.Error, Message = "Store {Operation} failing: {Count} failure(s) (the first of an outage, then one line per {Seconds} s; {Total} since start); advice goes on")]
    public static partial void StoreOperationFailing(this ILogger logger, string operation, long count, int seconds, long total);

    [LoggerMessage(EventId = 65, Level = LogLevel.Information, Message = "Store {Operation} recovered after {Seconds} s ({Unlogged} failure(s) since the last line)")]
    public static partial void StoreOperationRecovered(this ILogger logger, string operation, double seconds, long unlogged);

    [LoggerMessage(EventId = 66, Level = LogLevel.Error, Message = "{Unrecorded} call(s) answered by an earlier run have no audit record: it ended (a crash or kill) before writing them; {Journaled} answered call(s) checked in {Files} journal file(s)")]
    public static partial void AuditUnrecordedAtStart(this ILogger logger, long unrecorded, int journaled, int files);

    [LoggerMessage(EventId = 67, Level = LogLevel.Information, Message = "Audit journal of an earlier run checked: all {Journaled} answered call(s) in {Files} file(s) have their audit record")]
    public static partial void AuditJournalChecked(this ILogger logger, int journaled, int files);

    [LoggerMessage(EventId = 68, Level = LogLevel.Warning, Message = "Security: the EHR sent {Count} record(s) about a patient other than context.patientId; not read, named on a card")]
    public static partial void OtherPatientData(this ILogger logger, int count);
}
