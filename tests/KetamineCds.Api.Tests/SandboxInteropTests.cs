using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The service with the client most CDS Hooks developers test with: the official CDS Hooks Sandbox, built from its
/// source and driven in Chromium. Discovery, patient-view, order-select and order-sign of a ketamine infusion, a
/// suggestion taken and a card overridden with a reason (both stored as feedback); then the same calls signed with the
/// Sandbox's own key against a service that trusts its published JWKS.
/// </summary>
[Trait("Category", "Browser")]
public sealed class SandboxInteropTests(CdsHooksSandbox sandbox, BrowserFixture browser) : IClassFixture<CdsHooksSandbox>, IClassFixture<BrowserFixture>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();
    private const string Ketamine = "ketamine 10 MG/ML Injectable Solution";

    [Fact]
    public async Task GivenTheSandbox_WhenAClinicianViewsTheChartSelectsAndSignsKetamine_ThenCardsRenderAndFeedbackIsStored()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>());
        var page = await OpenAsync();

        var serviceBase = service.BaseAddress.ToString();

        // patient-view of a Synthea patient with depression but a single antidepressant trial: answered, and no card.
        var answered = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith("/cds-services/ketamine-patient-view", StringComparison.Ordinal));
        await page.GotoAsync(sandbox.PageUrl(serviceBase, CdsHooksSandbox.DepressedPatient, "patient-view", "patient-view"));
        Assert.Equal(200, (await answered).Status);
        await page.GetByText("No recommendations to display").WaitForAsync();

        // patient-view of a TRD candidate: the candidacy card with the patient's own data.
        await page.GotoAsync(sandbox.PageUrl(serviceBase, CdsHooksSandbox.CandidatePatient, "patient-view", "patient-view"));
        var chartCards = await CardsAsync(page);
        Assert.Contains(chartCards, c => c.Contains("Meets TRD criteria", StringComparison.Ordinal));
        await ScreenshotAsync(page, "sandbox-patient-view.png");

        // order-select: choosing ketamine from the formulary calls the service with the draft order.
        await page.GotoAsync(sandbox.PageUrl(serviceBase, CdsHooksSandbox.DepressedPatient, "order-select", "rx-view"));
        await ChooseKetamineAsync(page);
        var selectCards = await CardsAsync(page);
        await ScreenshotAsync(page, "sandbox-order-select.png");
        Assert.Contains(selectCards, c => c.Contains("ketamine", StringComparison.OrdinalIgnoreCase));

        // order-sign for a patient whose pre-infusion BP is 186/112: the critical card leads; its suggestion (remove
        // the order) is applied, and another card is overridden with a reason.
        await page.GotoAsync(sandbox.PageUrl(serviceBase, CdsHooksSandbox.BpCrisisPatient, "order-sign", "rx-sign"));
        await ChooseKetamineAsync(page);
        var signed = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith("/cds-services/ketamine-order-sign", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign Order" }).ClickAsync();
        var signCards = await CardsAsync(page);
        // Every card with a suggestion says "any" (the spec's choice for cards EHRs such as Epic render), and the
        // Sandbox rendered them: the critical card's suggestion is clicked below.
        var answer = JsonDocument.Parse(await (await signed).TextAsync()).RootElement;
        Assert.All(answer.GetProperty("cards").EnumerateArray().Where(c => c.TryGetProperty("suggestions", out _)),
            c => Assert.Equal("any", c.GetProperty("selectionBehavior").GetString()));
        await ScreenshotAsync(page, "sandbox-order-sign.png");
        Assert.StartsWith("BP 186/112 mm[Hg]", signCards[0].Trim(), StringComparison.Ordinal);
        Assert.Contains("critical", await page.Locator(".MuiCard-root").First.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);

        await page.Locator(".MuiCard-root").First.GetByRole(AriaRole.Button, new() { Name = "Remove the ketamine infusion order" }).ClickAsync();
        var withReasons = page.Locator(".MuiCard-root").Filter(new() { Has = page.GetByLabel("select dismiss reason") }).First;
        await withReasons.GetByLabel("select dismiss reason").ClickAsync();
        var reason = page.GetByRole(AriaRole.Menuitem).First;
        var reasonText = (await reason.TextContentAsync())!.Replace("Override:", "", StringComparison.Ordinal).Trim();
        await reason.ClickAsync();

        var statistics = await Eventually.ValueAsync(() => StatisticsAsync(service),
            rules => rules.Sum(r => r.GetProperty("accepted").GetInt32()) >= 1 && rules.Sum(r => r.GetProperty("overridden").GetInt32()) >= 1);
        var overridden = statistics.Single(r => r.GetProperty("overridden").GetInt32() >= 1);
        // The Sandbox sends the reason's code and system only; the statistics name it as the card offered it.
        Assert.Equal(reasonText, overridden.GetProperty("topOverrideReasons")[0].GetProperty("display").GetString());
    }

    [Fact]
    public async Task GivenAuthenticationTrustingTheSandboxKey_WhenTheSandboxCalls_ThenItsSignedCallsAreAcceptedAndATamperedOneRefused()
    {
        var port = ServiceProcess.FreePort();
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Auth__Enabled"] = "true",
            ["Auth__Audience"] = $"http://127.0.0.1:{port}",
            ["Auth__TrustedIssuers__0__Issuer"] = CdsHooksSandbox.Issuer,
            // The Sandbox names https://sandbox.cds-hooks.org/.well-known/jwks.json as its jku; that URL is not allowed
            // here, so the service ignores it and verifies against this configured copy of the same public key.
            ["Auth__TrustedIssuers__0__JwksUri"] = sandbox.JwksUrl,
            ["Serilog__MinimumLevel__Override__KetamineCds"] = "Debug",
        }, port);
        var page = await OpenAsync();
        string? signedCall = null;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/cds-services/ketamine-patient-view", StringComparison.Ordinal))
            {
                signedCall ??= request.Headers.GetValueOrDefault("authorization");
            }
        };

        await page.GotoAsync(sandbox.PageUrl(service.BaseAddress.ToString(), CdsHooksSandbox.CandidatePatient, "patient-view", "patient-view"));
        Assert.NotEmpty(await CardsAsync(page));
        await page.Locator(".MuiCard-root").First.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();

        await Eventually.ValueAsync(() => StatisticsAsync(service), rules => rules.Sum(r => r.GetProperty("overridden").GetInt32()) >= 1);
        Assert.Contains(service.Output, line => line.Contains("accepted; keys from", StringComparison.Ordinal) && line.Contains("configured-jku-ignored", StringComparison.Ordinal));
        Assert.NotNull(signedCall);
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(http, Tamper(signedCall!["Bearer ".Length..])));
    }

    private async Task<IPage> OpenAsync()
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        // Everything stays on this machine: the Sandbox also tries its public default services, which are not called.
        await context.RouteAsync("**/*", route => new Uri(route.Request.Url).IsLoopback ? route.ContinueAsync() : route.AbortAsync());
        var page = await context.NewPageAsync();
        page.Console += (_, message) => _console.Enqueue($"{message.Type}: {message.Text}");
        return page;
    }

    private static async Task ChooseKetamineAsync(IPage page)
    {
        await page.Locator("input[name=medication-input]").FillAsync("ketamine");
        await page.GetByRole(AriaRole.Button, new() { Name = Ketamine, Exact = true }).ClickAsync();
    }

    /// <summary>The text of each rendered card, once the service's answer has arrived.</summary>
    private async Task<IReadOnlyList<string>> CardsAsync(IPage page)
    {
        try
        {
            await page.Locator(".MuiCard-root").First.WaitForAsync(new() { Timeout = 30_000 });
        }
        catch (TimeoutException ex)
        {
            // What the Sandbox showed and logged, for whoever reads the CI log.
            var picture = Path.Combine(AppContext.BaseDirectory, "sandbox-no-cards.png");
            await page.ScreenshotAsync(new() { Path = picture, FullPage = true });
            throw new TimeoutException($"no cards rendered; screenshot {picture}; browser console:{Environment.NewLine}{string.Join(Environment.NewLine, _console)}", ex);
        }

        return await page.Locator(".MuiCard-root").AllTextContentsAsync();
    }

    private static async Task<List<JsonElement>> StatisticsAsync(ServiceProcess service)
    {
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        // Development without Admin:ApiKey: the admin endpoints are open on loopback.
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/admin/statistics?since=1d", UriKind.Relative)));
        return [.. document.RootElement.EnumerateArray().Select(r => r.Clone())];
    }

    private static async Task<HttpStatusCode> ReplayAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cds-services/ketamine-patient-view")
        {
            Content = new StringContent(HttpJson.Example("patient-view-candidate.json").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The Sandbox's own token with one claim changed (a new jti): the signature no longer matches.</summary>
    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"jti\":\"", "\"jti\":\"x", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }

    /// <summary>Refreshes the README's pictures: UPDATE_SCREENSHOTS=1 dotnet test --filter SandboxInteropTests.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, name), FullPage = true });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", name), FullPage = false });
        }
    }
}
