using KetamineCds.Api.Audit;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KetamineCds.Api.Tests;

/// <summary>When the audit store falls behind, drops are summed up in one log line per interval, not one per record.</summary>
[Trait("Category", "Unit")]
public sealed class AuditDropReportTests
{
    [Fact]
    public async Task GivenAFullQueue_WhenRecordsAreDropped_ThenOneSummaryLinePerIntervalWithDrops()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new StoreOptions { AuditQueueCapacity = 10, AuditDropReportSeconds = 60 });
        var buffer = new AuditBuffer(options);
        var logger = new ListLogger();
        using var report = new AuditDropReport(buffer, options, logger, clock);
        await report.StartAsync(CancellationToken.None);

        Enqueue(buffer, 60);
        Assert.Equal(50, buffer.Dropped);
        Assert.Empty(logger.Lines); // nothing on the request path

        clock.Advance(TimeSpan.FromSeconds(60));
        await Eventually.ValueAsync(() => Task.FromResult(report.Intervals), n => n == 1);
        Assert.Single(logger.Lines);
        clock.Advance(TimeSpan.FromSeconds(60)); // an interval without drops: reported on, and nothing said
        await Eventually.ValueAsync(() => Task.FromResult(report.Intervals), n => n == 2);
        Assert.Single(logger.Lines);
        Enqueue(buffer, 5);
        clock.Advance(TimeSpan.FromSeconds(60));
        await Eventually.ValueAsync(() => Task.FromResult(logger.Lines.Count), n => n == 2);
        await report.StopAsync(CancellationToken.None);

        Assert.Equal(
            [
                (LogLevel.Error, "Audit queue full: 50 records dropped in the last 60 s (50 since start)"),
                (LogLevel.Error, "Audit queue full: 5 records dropped in the last 60 s (55 since start)"),
            ],
            logger.Lines);
    }

    private static void Enqueue(AuditBuffer buffer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            buffer.Enqueue(new AuditRecord($"id-{i}", DateTimeOffset.UnixEpoch, "ketamine-order-sign", "order-sign", "instance", null, "pack", null, null, 200, 1, []));
        }
    }

    private sealed class ListLogger : ILogger<AuditDropReport>
    {
        private readonly List<(LogLevel, string)> _lines = [];

        public List<(LogLevel, string)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
