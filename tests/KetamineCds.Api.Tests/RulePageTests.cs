using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Every card links to its rule's public page (source.url), which anyone can open with no key: the basis of the advice
/// (FDA 2022 CDS guidance, criterion 4) and the source attributes ONC HTI-1 asks for, with no patient data.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RulePageLinkTests : IDisposable
{
    private readonly TrustedEhr _ehr = new();

    public void Dispose() => _ehr.Dispose();

    [Fact]
    public async Task GivenLiveCallsOfEveryExample_WhenEachCardsSourceUrlIsOpenedWithoutAKey_ThenTheServiceAnswersItsRulePage()
    {
        // Authentication on: the hook calls need the EHR's JWT, the pages need nothing.
        await using var app = new ConfiguredApplication(_ehr.Settings());
        var client = app.CreateClient();
        var urls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Repository.Examples, "*.json"))
        {
            var request = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
            var path = $"/cds-services/{HttpJson.ServiceForHook[request.GetProperty("hook").GetString()!]}";
            var (status, body, _) = await HttpJson.SendAsync(client, path, request.GetRawText(), _ehr.Signer.Token(path));
            Assert.Equal(HttpStatusCode.OK, status);
            foreach (var card in body.GetProperty("cards").EnumerateArray().Where(c => c.TryGetProperty("extension", out var e) && e.TryGetProperty("org.ketaminecds.rule", out _)))
            {
                urls.Add(card.GetProperty("source").GetProperty("url").GetString()!);
            }
        }

        Assert.True(urls.Count >= 6, $"only {urls.Count} distinct rule pages were linked");
        foreach (var url in urls)
        {
            // Under the configured public base URL (Auth:Audience), as the EHR's users reach the service.
            Assert.StartsWith($"{EhrSigner.Audience}/rules/", url, StringComparison.Ordinal);
            using var page = await client.GetAsync(new Uri(url).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var ruleId = Uri.UnescapeDataString(url.Split('/')[^1]);
            Assert.Contains($"<strong>{ruleId}</strong>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GivenAnUnknownRule_WhenItsPageIsAsked_Then404()
    {
        await using var app = new ConfiguredApplication(_ehr.Settings());
        using var response = await app.CreateClient().GetAsync(new Uri("/rules/KET-999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GivenJsonAsked_WhenARulePageIsRead_ThenItsDetailsComeAsData()
    {
        await using var app = new ConfiguredApplication(_ehr.Settings());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rules/KET-01");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var details = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("KET-01", details.GetProperty("ruleId").GetString());
        // The age rule reads the date of birth: HTI-1's source attribute 5 says so.
        Assert.Contains("date of birth", details.GetProperty("dataElements").EnumerateArray().Select(e => e.GetString()));
    }
}

[Trait("Category", "Browser")]
public sealed class RulePageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task GivenTheCrisisRulesPage_WhenOpenedInABrowserWithoutAKey_ThenItShowsTheBasisOfTheAdvice()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Auth__Enabled"] = "true",
            ["Auth__Audience"] = "https://cds.example.org",
            ["Auth__TrustedIssuers__0__Issuer"] = "https://ehr.example.org",
            ["Auth__TrustedIssuers__0__JwksUri"] = "https://ehr.example.org/jwks.json",
        });
        var page = await browser.Browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");

        var response = await page.GotoAsync(new Uri(service.BaseAddress, "/rules/KET-13-CRIT").ToString());

        Assert.Equal(200, response!.Status);
        Assert.Equal("Blood pressure in the crisis range", await page.Locator("h1").TextContentAsync());
        var checks = await page.Locator("dt:has-text('What it checks') + dd li").AllTextContentsAsync();
        Assert.Contains(checks, c => c.Contains("≥ 180", StringComparison.Ordinal) && c.Contains("mm[Hg]", StringComparison.Ordinal));
        Assert.Contains("Spravato", await page.Locator("dt:has-text('Evidence') + dd").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("Not yet signed off by the deploying site's governance group.", await page.Locator("dt:has-text('Governance sign-off') + dd").TextContentAsync());
        // The page's own style applies under its strict policy (no script, no other style): the critical label is red.
        Assert.Equal("rgb(164, 0, 0)", await page.Locator(".meta .critical").EvaluateAsync<string>("e => getComputedStyle(e).color"));
        Assert.DoesNotContain(console, c => c.StartsWith("error", StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("script").CountAsync());
    }
}
