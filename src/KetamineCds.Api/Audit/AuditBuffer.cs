using System.Threading.Channels;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// Audit records wait here, off the request path, for the writer. Bounded: when full, a record is dropped, counted and
/// logged rather than slowing an EHR call.
/// </summary>
public sealed class AuditBuffer(IOptions<StoreOptions> options, ILogger<AuditBuffer> logger)
{
    private readonly Channel<AuditRecord> _channel = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(options.Value.AuditQueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private long _dropped;

    public long Dropped => Interlocked.Read(ref _dropped);
    public int Depth => _channel.Reader.Count;
    public ChannelReader<AuditRecord> Reader => _channel.Reader;

    public void Enqueue(AuditRecord record)
    {
        if (!_channel.Writer.TryWrite(record))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            logger.AuditRecordDropped(dropped);
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
