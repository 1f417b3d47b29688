using System.Net;
using System.Net.Sockets;
using System.Text;
using KetamineCds.Api.Preview;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Readies the FHIR read path at start-up, so the first call that fetches from an EHR costs a connection set-up and
/// nothing more: the FHIR client (its resilience pipeline included) exchanges one search with a throwaway loopback
/// listener, and the FHIR parser
/// reads every resource type the bundled examples hold, as it reads a FHIR server's answers. No EHR is contacted.
/// </summary>
public sealed class FhirAccessWarmUp(IServiceProvider services, ExamplePatients examples, ILogger<FhirAccessWarmUp> logger) : BackgroundService
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var searchset = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}";
            await ExchangeOverLoopbackAsync(searchset, stoppingToken);
            foreach (var (id, _) in examples.List())
            {
                using var request = System.Text.Json.JsonDocument.Parse(examples.Read(id) ?? "{}");
                if (request.RootElement.TryGetProperty("prefetch", out var prefetch) && prefetch.ValueKind == System.Text.Json.JsonValueKind.Object)
                {
                    foreach (var value in prefetch.EnumerateObject().Where(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.Object))
                    {
                        FhirJson.Parse(value.Value.GetRawText());
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A warm-up that cannot run (a host stopping at once, a loaded machine's timeout) only costs the first call
            // its cold start; it must never stop the host, which an escaping exception from a BackgroundService does.
            var reason = ex.GetType().Name;
            logger.FhirWarmUpSkipped(reason);
        }
    }

    private async System.Threading.Tasks.Task ExchangeOverLoopbackAsync(string body, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = System.Threading.Tasks.Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cancellationToken);
            var buffer = new byte[4096];
            await socket.ReceiveAsync(buffer, cancellationToken);
            var payload = Encoding.UTF8.GetBytes(body);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(head.Concat(payload).ToArray(), cancellationToken);
        }, cancellationToken);

        await services.GetRequiredService<FhirQueryClient>().WarmUpAsync(new Uri($"http://127.0.0.1:{port}/Condition?patient=warm-up"), cancellationToken);
        await serve;
    }
}
