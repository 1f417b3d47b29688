using KetamineCds.Api.Core;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Readies the FHIR read path at start-up, so the first call that fetches from an EHR costs a connection set-up and
/// nothing more: the FHIR client (its resilience pipeline included) exchanges one search with a throwaway loopback
/// listener, and the FHIR parser
/// reads every resource type the bundled examples hold, as it reads a FHIR server's answers. No EHR is contacted.
/// </summary>
public sealed class FhirAccessWarmUp(IServiceProvider services, ILogger<FhirAccessWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ExchangeOverLoopbackAsync(OneOfEachType, stoppingToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A warm-up that cannot run (a host stopping at once, a loaded machine's timeout) only costs the first call
            // its cold start; it must never stop the host, which an escaping exception from a BackgroundService does.
            var reason = ex.GetType().Name;
            logger.FhirWarmUpSkipped(reason);
        }
    }

    /// <summary>A searchset with one small resource of each type the prefetch templates ask for.</summary>
    private const string OneOfEachType = """
        {"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"Patient","id":"w","birthDate":"1980-01-01","gender":"female"}},
          {"resource":{"resourceType":"Condition","id":"w","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F33.2"}]},"subject":{"reference":"Patient/w"},"onsetDateTime":"2024-06-01"}},
          {"resource":{"resourceType":"Observation","id":"w","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/w"},"effectiveDateTime":"2026-01-01T10:00:00Z","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}},
          {"resource":{"resourceType":"MedicationRequest","id":"w","status":"active","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"312940"}]},"subject":{"reference":"Patient/w"},"authoredOn":"2025-01-10","dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":100,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}},
          {"resource":{"resourceType":"AllergyIntolerance","id":"w","patient":{"reference":"Patient/w"},"code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6130"}]}}},
          {"resource":{"resourceType":"MedicationStatement","id":"w","status":"active","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"312940"}]},"subject":{"reference":"Patient/w"},"effectivePeriod":{"start":"2025-01-10"}}},
          {"resource":{"resourceType":"MedicationAdministration","id":"w","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6130"}]},"subject":{"reference":"Patient/w"},"effectiveDateTime":"2026-01-01T10:00:00Z"}},
          {"resource":{"resourceType":"MedicationDispense","id":"w","status":"completed","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"312940"}]},"subject":{"reference":"Patient/w"},"whenHandedOver":"2025-01-10","daysSupply":{"value":30,"unit":"d","system":"http://unitsofmeasure.org","code":"d"}}}
        ]}
        """;

    private async Task ExchangeOverLoopbackAsync(string body, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
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
