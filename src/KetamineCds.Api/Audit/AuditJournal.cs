using System.Security.Cryptography;
using System.Text;
using KetamineCds.Api.Store;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// The ids of answered calls whose audit records may not be stored yet, on disk, so a crash cannot lose them uncounted.
/// Each id is appended (one unbuffered write, which the kernel keeps whatever happens to the process) before the answer
/// is sent, with a sequence number in queue order; the writer reports the highest sequence stored, and a file whose ids
/// are all stored is deleted. A file stays open, and so locked (flock through FileShare.None), until then: another
/// process's start-up check (<see cref="AuditJournalRecovery"/>) takes only files no live process holds, and only those
/// written for its own store (the header names the store by a hash of its connection string).
/// </summary>
public sealed class AuditJournal : IDisposable
{
    public const string FilePattern = "journal-*.log";

    private sealed record JournalFile(string Path, FileStream Stream)
    {
        public long LastSequence { get; set; }
        public int Entries { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly List<JournalFile> _closed = [];
    private readonly string? _folder;
    private readonly int _entriesPerFile;
    private readonly string _prefix;
    private JournalFile? _current;
    private long _sequence;
    private long _stored;
    private int _files;
    private bool _broken;

    public AuditJournal(IOptions<AuditOptions> options, IOptions<StoreOptions> store, TimeProvider time)
    {
        var settings = options.Value;
        _folder = string.IsNullOrWhiteSpace(settings.JournalFolder) ? null : Path.GetFullPath(settings.JournalFolder);
        _entriesPerFile = settings.JournalFileEntries;
        _prefix = $"journal-{time.GetUtcNow().ToUnixTimeMilliseconds()}-{Environment.ProcessId}";
        // The store a journal is for, named without its connection string (which may hold a password).
        Header = $"# ketamine-cds audit journal v1 store={Tag(store.Value.ConnectionString)}";
    }

    public string? Folder => _folder;

    /// <summary>This process's own files, which the start-up check must leave alone.</summary>
    public bool Owns(string path) => Path.GetFileName(path).StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>
    /// Appends an answered call's record id under the next sequence number. When the journal is off or its disk failed
    /// the call is answered all the same: the journal counts losses, it never causes one.
    /// </summary>
    /// <param name="recordId">The id to journal; null only takes a sequence number (record-first queues without journaling).</param>
    /// <param name="then">Runs under the journal's lock after the append, so queue order and sequence order agree.</param>
    public void Append(string? recordId, Action<long> then)
    {
        lock (_gate)
        {
            var sequence = ++_sequence;
            if (recordId is not null && _folder is not null && !_broken)
            {
                try
                {
                    var file = _current is { } open && open.Entries < _entriesPerFile ? open : Rotate();
                    file.Stream.Write(Encoding.ASCII.GetBytes(recordId + "\n"));
                    file.LastSequence = sequence;
                    file.Entries++;
                }
                catch (IOException)
                {
                    _broken = true; // a full or read-only disk: the audit trail goes on without its crash count
                }
            }

            then(sequence);
        }
    }

    /// <summary>Every record up to <paramref name="sequence"/> is stored (or dropped and counted): their files can go.</summary>
    public void Stored(long sequence)
    {
        lock (_gate)
        {
            _stored = Math.Max(_stored, sequence);
            foreach (var file in _closed.Where(f => f.LastSequence <= _stored).ToList())
            {
                Delete(file);
                _closed.Remove(file);
            }
        }
    }

    /// <summary>At a clean shutdown: the current file goes too when all its records were stored; otherwise it stays for the next start to count.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var file in _closed.Append(_current).OfType<JournalFile>())
            {
                if (file.LastSequence <= _stored)
                {
                    Delete(file);
                }
                else
                {
                    file.Stream.Dispose();
                }
            }

            (_current, _broken) = (null, true);
            _closed.Clear();
        }
    }

    /// <summary>The header line of a journal file: what it is and which store its ids belong to.</summary>
    public string Header { get; }

    private JournalFile Rotate()
    {
        if (_current is { } full)
        {
            _closed.Add(full);
        }

        Directory.CreateDirectory(_folder!);
        var path = Path.Combine(_folder!, $"{_prefix}-{++_files:D6}.log");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(Encoding.ASCII.GetBytes(Header + "\n"));
        return _current = new JournalFile(path, stream);
    }

    private static void Delete(JournalFile file)
    {
        file.Stream.Dispose();
        try
        {
            File.Delete(file.Path);
        }
        catch (IOException)
        {
            // Left behind: the next start finds every id in it stored, and deletes it then.
        }
    }

    private static string Tag(string connectionString) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(connectionString)))[..16];
}
