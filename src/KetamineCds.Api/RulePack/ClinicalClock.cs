namespace KetamineCds.Api.RulePack;

/// <summary>
/// The clock the rules read ("BP in the last 30 days", age at the order date), registered as a keyed
/// <see cref="TimeProvider"/> so tests can pin it to the date a scenario describes without freezing the
/// infrastructure's timers (HTTP timeouts, retry delays and circuit breakers use the unkeyed provider).
/// </summary>
public static class ClinicalClock
{
    public const string Key = "clinical";
}
