using System.Threading.Channels;
using KetamineCds.Api.Core;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.RulePack;

/// <summary>
/// Watches the rule folder and reloads the pack once edits settle. Events of a burst (an editor's save, a
/// Kubernetes ConfigMap update swapping its <c>..data</c> symlink) collapse into one reload after a quiet period.
/// </summary>
public sealed class RulePackWatcher(RulePackProvider packs, IOptions<RulesOptions> options, TimeProvider time, ILogger<RulePackWatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.ReloadOnChange)
        {
            return;
        }

        // Capacity one: a pending signal already means "reload after the quiet period"; more add nothing.
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = new FileSystemWatcher(Path.GetFullPath(settings.Path))
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        void Signal(object sender, EventArgs e) => changes.Writer.TryWrite(true);
        watcher.Changed += Signal;
        watcher.Created += Signal;
        watcher.Deleted += Signal;
        watcher.Renamed += Signal;
        watcher.Error += Signal; // an overflowed event queue: re-read everything
        watcher.EnableRaisingEvents = true;

        var quiet = TimeSpan.FromMilliseconds(settings.ReloadDebounceMilliseconds);
        try
        {
            while (await changes.Reader.WaitToReadAsync(stoppingToken))
            {
                do
                {
                    changes.Reader.TryRead(out _);
                    await Task.Delay(quiet, time, stoppingToken);
                }
                while (changes.Reader.TryRead(out _));

                try
                {
                    packs.Reload("file change");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A file vanished mid-read (a second save): the next event brings another attempt.
                    logger.RulePackUnreadable(ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
