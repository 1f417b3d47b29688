using System.Threading.Channels;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// Audit records wait here, off the request path, for the writer. Bounded: when full, a record is dropped and counted
/// rather than slowing an EHR call; <see cref="AuditDropReport"/> logs the drops as one line per interval, because a
/// line per dropped record would add load to a service that is already behind.
/// </summary>
public sealed class AuditBuffer(IOptions<StoreOptions> options)
{
    private readonly Channel<AuditRecord> _channel = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(options.Value.AuditQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private long _dropped;
    private long _written;

    /// <summary>Records dropped since start-up (kcds_audit_dropped_total).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records the writer has stored since start-up (kcds_audit_written_total).</summary>
    public long Written => Interlocked.Read(ref _written);

    public int Depth => _channel.Reader.Count;

    public int Capacity { get; } = options.Value.AuditQueueCapacity;
    public ChannelReader<AuditRecord> Reader => _channel.Reader;

    public void Enqueue(AuditRecord record)
    {
        if (!_channel.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void MarkWritten(int count) => Interlocked.Add(ref _written, count);

    public void Complete() => _channel.Writer.TryComplete();
}
