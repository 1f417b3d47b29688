using System.Text;
using KetamineCds.Api.Core;
using KetamineCds.Api.Store;
using KetamineCds.Api.Telemetry;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Audit;

/// <summary>
/// At start-up, counts the calls an earlier run answered but never recorded: the ids its journal files still hold that
/// the store does not. Reports them once (an error line and kcds.audit.unrecorded), then deletes the files. Takes only
/// files no live process holds and that were written for this store; retries while the store is unavailable.
/// </summary>
public sealed class AuditJournalRecovery(AuditJournal journal, ICdsStore store, CdsMetrics metrics, IOptions<StoreOptions> options,
    ILogger<AuditJournalRecovery> logger, TimeProvider time) : BackgroundService
{
    private const int IdsPerQuery = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (journal.Folder is not { } folder || !Directory.Exists(folder))
        {
            return;
        }

        var files = Directory.EnumerateFiles(folder, AuditJournal.FilePattern).Where(f => !journal.Owns(f)).Select(Claim).OfType<ClaimedFile>().ToList();
        try
        {
            var ids = files.SelectMany(f => f.Ids).Distinct(StringComparer.Ordinal).ToList();
            var stored = await StoredAsync(ids, stoppingToken);
            var unrecorded = ids.Count - stored;
            if (unrecorded > 0)
            {
                metrics.AuditUnrecorded(unrecorded);
                logger.AuditUnrecordedAtStart(unrecorded, ids.Count, files.Count);
            }
            else if (files.Count > 0)
            {
                logger.AuditJournalChecked(ids.Count, files.Count);
            }

            foreach (var file in files)
            {
                file.Stream.Dispose();
                File.Delete(file.Path);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down before the store answered: the files stay for the next start.
        }
        finally
        {
            foreach (var file in files)
            {
                file.Stream.Dispose();
            }
        }
    }

    private sealed record ClaimedFile(string Path, FileStream Stream, IReadOnlyList<string> Ids);

    // Held with FileShare.None until deleted, so two replicas starting at once never count one file twice; a file
    // another process holds is live, and one written for another store is not this store's to judge.
    private ClaimedFile? Claim(string path)
    {
        FileStream? stream = null;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            using var reader = new StreamReader(stream, Encoding.ASCII, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            if (reader.ReadLine() != journal.Header)
            {
                stream.Dispose();
                return null;
            }

            var ids = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                // The last line of a killed process may be cut short; an id is a whole UUID or nothing.
                if (Guid.TryParse(line, out _))
                {
                    ids.Add(line);
                }
            }

            return new ClaimedFile(path, stream, ids);
        }
        catch (IOException)
        {
            stream?.Dispose();
            return null;
        }
    }

    private async Task<int> StoredAsync(List<string> ids, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var stored = 0;
                foreach (var chunk in ids.Chunk(IdsPerQuery))
                {
                    stored += (await store.StoredAuditIdsAsync(chunk, stoppingToken)).Count;
                }

                return stored;
            }
            catch (StoreUnavailableException)
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.RetrySeconds), time, stoppingToken);
            }
        }
    }
}
