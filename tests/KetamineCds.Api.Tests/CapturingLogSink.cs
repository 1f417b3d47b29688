using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace KetamineCds.Api.Tests;

/// <summary>Every log event of a host, rendered as one line with its properties (the service adds it to Serilog's sinks).</summary>
public sealed class CapturingLogSink : ILogEventSink
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent)
    {
        Events.Enqueue(logEvent);
        using var writer = new StringWriter();
        logEvent.RenderMessage(writer);
        var properties = string.Join(" ", logEvent.Properties.Select(p => $"{p.Key}={p.Value}"));
        Lines.Enqueue($"{writer} {properties} {logEvent.Exception}");
    }
}

/// <summary>The service with extra settings whose log events go to a <see cref="CapturingLogSink"/> too.</summary>
public sealed class LoggedApplication(IReadOnlyDictionary<string, string?> settings, CapturingLogSink sink) : KetamineCdsApplication(settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(sink));
    }
}
