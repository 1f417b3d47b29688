using Serilog.Sinks.Async;

namespace KetamineCds.Api.Hosting;

/// <summary>
/// What Serilog's async sink holds: events waiting for the console, and events dropped because its buffer was full.
/// Exposed as metrics, so a log collector that cannot keep up shows on a dashboard instead of as silently missing lines.
/// </summary>
public sealed class LogBufferMonitor : IAsyncLogEventSinkMonitor
{
    private IAsyncLogEventSinkInspector? _inspector;

    public int Depth => _inspector?.Count ?? 0;
    public long Dropped => _inspector?.DroppedMessagesCount ?? 0;

    public void StartMonitoring(IAsyncLogEventSinkInspector inspector) => _inspector = inspector;

    public void StopMonitoring(IAsyncLogEventSinkInspector inspector) => _inspector = null;
}
