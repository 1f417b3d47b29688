namespace KetamineCds.Api.Core;

/// <summary>
/// Ids for what the store keeps (audit records, card uuids, feedback): UUIDv7 (RFC 9562 §5.7), whose text sorts by
/// creation time. Each new key lands at the right edge of its B-tree index, so a store that has grown to millions of
/// rows inserts as fast as a fresh one; random UUIDv4 keys land anywhere and, once the index outgrows the cache, each
/// insert reads a page from disk. The embedded time is the wall clock's: it orders writes and is not a clinical date.
/// </summary>
public static class TimeOrderedId
{
    public static string New() => Guid.CreateVersion7().ToString();
}
