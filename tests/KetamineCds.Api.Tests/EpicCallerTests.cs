using System.Net;
using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>
/// A trusted issuer configured as Epic: its tokens' <c>aud</c> is what the site registered, its patient-view calls
/// come for several native triggers, and its cards must carry what Epic renders and remembers
/// (fhir.epic.com CDS Hooks tutorial): selectionBehavior "any", a static alphanumeric source.topic.code.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EpicCallerTests : IDisposable
{
    private readonly TrustedEhr _epic = new();

    public void Dispose() => _epic.Dispose();

    private ConfiguredApplication App()
    {
        var settings = _epic.Settings();
        settings["Auth:TrustedIssuers:0:Profile"] = "epic";
        // Epic's aud "must be manually configured by the health system": this site typed its base URL.
        settings["Auth:TrustedIssuers:0:Audiences:0"] = EhrSigner.Audience;
        return new ConfiguredApplication(settings);
    }

    private string RegisteredAudienceToken(string path) => _epic.Signer.Token(path, payload: claims => claims["aud"] = EhrSigner.Audience);

    [Fact]
    public async Task GivenEpic_WhenItSignsWithTheRegisteredAudience_ThenCardsCarryWhatEpicRendersAndRemembers()
    {
        await using var app = App();
        var client = app.CreateClient();
        const string path = "/cds-services/ketamine-order-sign";

        var (status, body, _) = await HttpJson.SendAsync(client, path, HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), RegisteredAudienceToken(path));

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var card in body.GetProperty("cards").EnumerateArray())
        {
            var topic = card.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()!;
            Assert.Matches("^[A-Za-z0-9]{1,100}$", topic);
            if (card.TryGetProperty("selectionBehavior", out var behavior))
            {
                Assert.Equal("any", behavior.GetString()); // Epic: 'Only the value "any" is currently supported.'
            }
        }

        var crisis = body.GetProperty("cards")[0];
        Assert.Equal("KET13CRIT", crisis.GetProperty("source").GetProperty("topic").GetProperty("code").GetString());
        // The same card at the next call has the same topic: the acknowledgement Epic stored still applies.
        var (_, again, _) = await HttpJson.SendAsync(client, path, HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), RegisteredAudienceToken(path));
        Assert.Equal("KET13CRIT", again.GetProperty("cards")[0].GetProperty("source").GetProperty("topic").GetProperty("code").GetString());
        Assert.Empty(CardContract.Violations(body, deprecatedDeleteForm: true));
    }

    [Fact]
    public async Task GivenAnAudienceNeitherTheEndpointNorRegistered_WhenCalled_Then401()
    {
        await using var app = App();
        const string path = "/cds-services/ketamine-order-sign";
        var token = _epic.Signer.Token(path, payload: claims => claims["aud"] = "https://elsewhere.example.org");

        var (status, _, _) = await HttpJson.SendAsync(app.CreateClient(), path, HttpJson.Example("order-sign-bp-crisis.json").ToJsonString(), token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData("60", true)]   // Open Patient Chart: the chart review the candidacy card is for
    [InlineData(null, true)]   // no trigger named: the hook's own event
    [InlineData("18", false)]  // Enter Order, reusing patient-view: not what the service was registered for
    [InlineData("6", false)]   // Enter Problem
    public async Task GivenEpicPatientViewForANativeTrigger_WhenCalled_ThenTheCandidacyCardAnswersOnlyChartReview(string? trigger, bool answered)
    {
        await using var app = App();
        const string path = "/cds-services/ketamine-patient-view";
        var request = HttpJson.Example("patient-view-candidate.json");
        if (trigger is not null)
        {
            request["extension"] = new System.Text.Json.Nodes.JsonObject
            {
                ["com.epic.cdshooks.request.bpa-trigger-action"] = trigger,
                ["com.epic.cdshooks.request.cds-hooks-specification-version"] = "1.1",
            };
        }

        var (status, body, _) = await HttpJson.SendAsync(app.CreateClient(), path, request.ToJsonString(), RegisteredAudienceToken(path));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(answered, body.GetProperty("cards").GetArrayLength() > 0);
    }

    [Fact]
    public async Task GivenDiscoveryAskedByEpic_WhenRead_ThenItsPrefetchIsWhatEpicCanServe()
    {
        await using var app = App();
        var (status, body, _) = await GetAsync(app.CreateClient(), "/cds-services", RegisteredAudienceToken("/cds-services"));

        Assert.Equal(HttpStatusCode.OK, status);
        var prefetch = body.GetProperty("services")[0].GetProperty("prefetch").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Contains("conditionsProblemListItem", prefetch.Keys);
        Assert.DoesNotContain("conditions", prefetch.Keys);
        Assert.All(prefetch.Values, query => Assert.DoesNotContain("_include", query, StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Type)> GetAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), "");
    }
}
