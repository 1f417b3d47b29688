using System.ComponentModel.DataAnnotations;
using KetamineCds.Api.Store;

namespace KetamineCds.Api.Audit;

/// <summary>Configuration section <c>Audit</c>: what a crash may cost the audit trail, and how that is counted.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";
    public const string AnswerFirst = "answer-first";
    public const string RecordFirst = "record-first";

    /// <summary>
    /// <c>answer-first</c> (default): the answer goes out and its audit record is written behind it, in batches; a crash
    /// (kill -9, OOM kill, power) loses the records still queued, and the next start counts them from the journal.
    /// <c>record-first</c>: the answer waits until its record is committed (group commit with the other calls in flight,
    /// about one store round trip), up to <see cref="RecordFirstTimeoutMilliseconds"/>; a crash then loses no record of an
    /// answered call, except calls answered while the store was too slow or down (advice is never held back for the
    /// audit), which the journal counts alike.
    /// </summary>
    [AllowedValues(AnswerFirst, RecordFirst)]
    public string Durability { get; set; } = AnswerFirst;

    /// <summary>With record-first, the longest an answer waits for its record to be committed. Default 1,000 ms.</summary>
    [Range(10, 30_000)]
    public int RecordFirstTimeoutMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Folder of the audit journal: the id of every answered call, appended before the answer is sent (one write(2), no
    /// fsync: it survives the process, not the machine) and dropped once its record is stored. The next start compares
    /// what a crashed run left there with the store and reports the calls answered but never recorded. Empty turns the
    /// journal off. Default: <c>audit-journal</c> in the data folder (an emptyDir in Kubernetes, which outlives a
    /// container restart).
    /// </summary>
    public string JournalFolder { get; set; } = Path.Combine(StoreOptions.DefaultDataFolder, "audit-journal");

    /// <summary>Ids per journal file before the next is started; a file is deleted once all its records are stored. Default 5,000.</summary>
    [Range(10, 1_000_000)]
    public int JournalFileEntries { get; set; } = 5_000;

    public bool IsRecordFirst => Durability == RecordFirst;
}
