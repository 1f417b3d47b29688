using System.Diagnostics;
using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.RulePack;

/// <summary>
/// Reloads the rule pack on its own thread: when the rule folder's files settle after an edit (events of a burst, an
/// editor's save or a Kubernetes ConfigMap swapping its <c>..data</c> symlink, collapse into one reload after a quiet
/// period) and when an admin asks (<see cref="RequestAsync"/>). The reload (parse, gate, the pack's tests, the impact)
/// is CPU work of a second or two; on a dedicated thread it never waits for the thread pool that a busy service keeps
/// full of hook calls, and takes at most one core, so an urgent fix goes live under load and calls keep their share.
/// </summary>
public sealed class RulePackWatcher(RulePackProvider packs, IOptions<RulesOptions> options, ILogger<RulePackWatcher> logger) : IHostedService, IDisposable
{
    // A plain object: Monitor.Wait and PulseAll need a monitor, which System.Threading.Lock is not.
    private readonly object _gate = new();
    private readonly Queue<(string Trigger, TaskCompletionSource<ReloadAttempt> Done)> _requests = new();
    private FileSystemWatcher? _watcher;
    private Thread? _thread;
    private bool _changed;
    private bool _stopping;

    /// <summary>A reload on the reload thread, after any in progress; completes with its outcome.</summary>
    public Task<ReloadAttempt> RequestAsync(string trigger)
    {
        var done = new TaskCompletionSource<ReloadAttempt>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stopping)
            {
                done.SetCanceled();
                return done.Task;
            }

            _requests.Enqueue((trigger, done));
            Monitor.PulseAll(_gate);
        }

        return done.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.ReloadOnChange)
        {
            _watcher = new FileSystemWatcher(Path.GetFullPath(settings.Path))
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Changed += Signal;
            _watcher.Created += Signal;
            _watcher.Deleted += Signal;
            _watcher.Renamed += Signal;
            _watcher.Error += Signal; // an overflowed event queue: re-read everything
            _watcher.EnableRaisingEvents = true;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "rule-pack-reload" };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        _thread?.Join(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    private void Signal(object sender, EventArgs e)
    {
        lock (_gate)
        {
            _changed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Run()
    {
        var quiet = TimeSpan.FromMilliseconds(options.Value.ReloadDebounceMilliseconds);
        while (true)
        {
            (string Trigger, TaskCompletionSource<ReloadAttempt> Done)? request = null;
            lock (_gate)
            {
                while (!_stopping && !_changed && _requests.Count == 0)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopping)
                {
                    foreach (var (_, done) in _requests)
                    {
                        done.TrySetCanceled();
                    }

                    return;
                }

                if (_requests.Count > 0)
                {
                    request = _requests.Dequeue();
                }
            }

            if (request is { } asked)
            {
                Reload(asked.Trigger, asked.Done);
            }
            else if (Settled(quiet))
            {
                Reload("file change", null);
            }
        }
    }

    // Waits until no file event has come for the quiet period; false when stopping.
    private bool Settled(TimeSpan quiet)
    {
        lock (_gate)
        {
            var since = Stopwatch.StartNew();
            _changed = false;
            while (!_stopping)
            {
                var left = quiet - since.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return true;
                }

                Monitor.Wait(_gate, left);
                if (_changed)
                {
                    (_changed, since) = (false, Stopwatch.StartNew());
                }
            }

            return false;
        }
    }

    private void Reload(string trigger, TaskCompletionSource<ReloadAttempt>? done)
    {
        try
        {
            var attempt = packs.Reload(trigger);
            done?.TrySetResult(attempt);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file vanished mid-read (a second save): the next event brings another attempt.
            logger.RulePackUnreadable(ex.GetType().Name);
            done?.TrySetException(ex);
        }
        catch (Exception ex)
        {
            done?.TrySetException(ex);
            throw;
        }
    }
}
