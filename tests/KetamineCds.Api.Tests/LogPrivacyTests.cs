using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Every example request, prefetched and fetched from the FHIR server with a token, at the most verbose log level:
/// no patient name, identifier, birth date, clinical value or access token may appear in any log line.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LogPrivacyTests(FhirServerFixture fhir) : IClassFixture<FhirServerFixture>
{
    private const string PatientId = IdentifiedPatient.PatientId;
    private const string Mrn = IdentifiedPatient.Mrn;
    private const string Family = IdentifiedPatient.Family;
    private const string BirthDate = IdentifiedPatient.BirthDate;
    private const string Token = IdentifiedPatient.Token;

    private sealed class VerboseApplication(FhirServerFixture fhir, CapturingLogSink sink) : KetamineCdsApplication(new Dictionary<string, string?>
    {
        ["Fhir:AllowedServers:0"] = fhir.BaseUrl,
        ["Fhir:DeadlineMilliseconds"] = "2000",
        ["Serilog:MinimumLevel:Default"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft"] = "Verbose",
        ["Serilog:MinimumLevel:Override:System"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
        ["Serilog:MinimumLevel:Override:System.Net.Http.HttpClient"] = "Verbose",
        ["Logging:LogLevel:Default"] = "Trace",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(sink));
        }
    }


    [Fact]
    public async Task GivenEveryExampleAtVerboseLogging_WhenServed_ThenNoPatientDataOrTokenInAnyLogLine()
    {
        var sink = new CapturingLogSink();
        await using var app = new VerboseApplication(fhir, sink);
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();

        foreach (var file in Directory.EnumerateFiles(Repository.Examples, "*.json"))
        {
            var request = IdentifiedPatient.Apply(HttpJson.Example(Path.GetFileName(file)));
            statuses.Add((await HttpJson.PostAsync(client, request)).Status);

            // The same request with nothing prefetched: everything is fetched from the FHIR server with a token.
            fhir.ServeExample(request);
            request["fhirServer"] = fhir.BaseUrl;
            request["fhirAuthorization"] = FhirServerFixture.Authorization(Token);
            request.AsObject().Remove("prefetch");
            statuses.Add((await HttpJson.PostAsync(client, request)).Status);
        }

        // A failing FHIR server (a partial answer, then nothing to evaluate: 412) and a malformed request log warnings:
        // those must be clean too.
        fhir.Server.Reset();
        var failing = IdentifiedPatient.Apply(HttpJson.Example("order-sign-bp-crisis.json"));
        failing["fhirServer"] = fhir.BaseUrl;
        failing["fhirAuthorization"] = FhirServerFixture.Authorization(Token);
        failing["prefetch"]!.AsObject().Remove("observations");
        statuses.Add((await HttpJson.PostAsync(client, failing)).Status);
        var nothing = failing.DeepClone();
        nothing.AsObject().Remove("prefetch");
        statuses.Add((await HttpJson.PostAsync(client, nothing)).Status);
        statuses.Add((await HttpJson.PostAsync(client, "ketamine-order-sign", failing.ToJsonString()[..300])).Status);

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.PreconditionFailed, statuses);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
        var log = string.Join("\n", sink.Lines);
        Assert.True(sink.Lines.Count > 50, "verbose logging should have produced plenty of lines");
        Assert.Contains("Request starting", log, StringComparison.Ordinal); // framework logs are captured too
        Assert.Contains("Execution attempt", log, StringComparison.Ordinal); // and the resilience pipeline's
        foreach (var secret in new[] { PatientId, Mrn, Family, "Alex", BirthDate, Token, "mmHg", "mm[Hg]", "F33.2", "sertraline", "Schizophrenia" })
        {
            Assert.DoesNotContain(secret, log, StringComparison.OrdinalIgnoreCase);
        }
    }
}
