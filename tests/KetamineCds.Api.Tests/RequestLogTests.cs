using System.Net;
using System.Text;
using KetamineCds.Api.Store;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog.Core;
using Serilog.Events;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The request log says what the EHR got: for every row of the error table the logged status is the status sent, a
/// refusal is a warning, not an error, and no exception text (which may quote request data) rides on the line.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RequestLogTests
{
    /// <summary>A store that is down: feedback cannot be kept, so the error table answers 503.</summary>
    private sealed class StoreDown(ICdsStore inner) : ICdsStore
    {
        public void Migrate() => inner.Migrate();

        public Task<IReadOnlyList<string>> SaveFeedbackAsync(IReadOnlyList<FeedbackRecord> items, CancellationToken cancellationToken) =>
            throw new StoreUnavailableException("down for the test", new IOException("no store"));

        public Task SaveAuditAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken) => inner.SaveAuditAsync(batch, cancellationToken);

        public Task<IReadOnlyCollection<string>> StoredAuditIdsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            inner.StoredAuditIdsAsync(ids, cancellationToken);

        public Task<IReadOnlyList<RuleStatistics>> RuleStatisticsAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
            inner.RuleStatisticsAsync(since, cancellationToken);

        public Task<bool> TryRecordJtiAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
            inner.TryRecordJtiAsync(key, expiresAt, cancellationToken);

        public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => inner.PurgeAsync(before, cancellationToken);

        public Task<IReadOnlyList<CardMemoryRow>> CardMemoryAsync(CardMemoryQuery query, CancellationToken cancellationToken) =>
            inner.CardMemoryAsync(query, cancellationToken);

        public Task RememberCardsAsync(IReadOnlyList<CardMemoryRow> rows, CancellationToken cancellationToken) => inner.RememberCardsAsync(rows, cancellationToken);

        public Task RecordPackSwapAsync(PackHistoryEntry entry, CancellationToken cancellationToken) => inner.RecordPackSwapAsync(entry, cancellationToken);

        public Task<IReadOnlyList<PackHistoryEntry>> PackHistoryAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken) =>
            inner.PackHistoryAsync(until, limit, cancellationToken);
    }

    private sealed class Application(CapturingLogSink sink) : KetamineCdsApplication(new Dictionary<string, string?>
    {
        ["Http:MaxRequestBodyMegabytes"] = "1",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<ILogEventSink>(sink);
                var real = services.Single(d => d.ServiceType == typeof(ICdsStore));
                services.Replace(ServiceDescriptor.Singleton<ICdsStore>(provider =>
                    new StoreDown((ICdsStore)ActivatorUtilities.CreateInstance(provider, real.ImplementationType!))));
            });
        }
    }

    public static TheoryData<int, string, string, string> ErrorTable() => new()
    {
        { 400, "POST", "/cds-services/ketamine-order-sign", """{"hook":"order-sign"}""" },
        { 404, "POST", "/cds-services/no-such-service", "{}" },
        { 412, "POST", "/cds-services/ketamine-order-sign", "no-prefetch" },
        { 413, "POST", "/cds-services/ketamine-order-sign", "too-large" },
        { 503, "POST", "/cds-services/ketamine-order-sign/feedback", """{"feedback":[{"card":"0190a1b2-0000-7000-8000-000000000001","outcome":"overridden","outcomeTimestamp":"2026-11-26T10:00:00Z"}]}""" },
        { 200, "POST", "/cds-services/ketamine-order-sign", "example" },
    };

    [Theory]
    [MemberData(nameof(ErrorTable))]
    public async Task GivenARequestTheErrorTableAnswers_WhenLogged_ThenTheRequestLineCarriesTheStatusSentAndNoException(int expected, string method, string path, string body)
    {
        var sink = new CapturingLogSink();
        await using var app = new Application(sink);
        var client = app.CreateClient();
        var content = body switch
        {
            "no-prefetch" => Without(HttpJson.Example("order-sign-eligible.json"), "prefetch"),
            "too-large" => "{\"hook\":\"order-sign\",\"pad\":\"" + new string('x', 1_200_000) + "\"}",
            "example" => HttpJson.Example("order-sign-eligible.json").ToJsonString(),
            _ => body,
        };

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(content, Encoding.UTF8, "application/json"),
        });

        Assert.Equal(expected, (int)response.StatusCode);
        var line = await Eventually.ValueAsync(() => Task.FromResult(sink.Events.FirstOrDefault(e =>
            e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal) && e.Properties.ContainsKey("StatusCode"))), e => e is not null);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), line!.Properties["StatusCode"].ToString());
        Assert.Null(line.Exception);
        Assert.Equal(expected >= 500 ? LogEventLevel.Error : expected >= 400 ? LogEventLevel.Warning : LogEventLevel.Information, line.Level);
        // Nothing logged anywhere carries the text or stack of an exception the table answered on purpose.
        Assert.DoesNotContain(sink.Events, e => e.Exception is KetamineCds.Api.Core.InvalidRequestBodyException
            or KetamineCds.Api.Core.RequiredDataUnavailableException or StoreUnavailableException or Microsoft.AspNetCore.Http.BadHttpRequestException);
    }

    private static string Without(System.Text.Json.Nodes.JsonNode request, string member)
    {
        request.AsObject().Remove(member);
        return request.ToJsonString();
    }
}
