using Microsoft.Playwright;

namespace KetamineCds.Api.Tests;

/// <summary>Headless Chromium (Debian's package) with Playwright: what an admin sees on the preview page.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("KETAMINE_TEST_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"], // CI runs as root
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[Trait("Category", "Browser")]

public sealed class PreviewPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string AdminKey = "preview-test-admin-key";

    [Fact]
    public async Task GivenContraindicatedExample_WhenPreviewed_ThenCriticalCardFirstAndTraceExplainsIt()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { ["Admin__ApiKey"] = AdminKey });
        var page = await OpenAsync(service);

        await page.SelectOptionAsync("#example", "order-sign-schizophrenia");
        await page.FillAsync("#at", "2026-11-26");
        await page.ClickAsync("#preview-button");

        var first = page.Locator("#cards article.card").First;
        await first.WaitForAsync();
        Assert.Equal("critical", await first.GetAttributeAsync("data-indicator"));
        Assert.Equal("History of a primary psychotic disorder: ketamine can worsen psychosis and is usually avoided", await first.Locator(".summary").TextContentAsync());
        // The detail is rendered Markdown (the patient data as a list, values in bold); source, suggestion, override reasons.
        Assert.Equal("F20.9", await first.Locator(".detail li strong").First.TextContentAsync());
        var meta = string.Join(" | ", await first.Locator(".meta").AllTextContentsAsync());
        Assert.Contains("Source: ACEP 2011", meta, StringComparison.Ordinal);
        Assert.Contains("Recipient assessment of risk/benefit ratio", meta, StringComparison.Ordinal);
        Assert.Contains("Remove the ketamine infusion order (recommended)", await first.Locator("ul.suggestions").TextContentAsync(), StringComparison.Ordinal);

        var trace = page.Locator("#trace tr[data-rule='KET-08']");
        Assert.Equal("fired", await trace.GetAttributeAsync("data-outcome"));
        Assert.Contains("F20.9", await trace.Locator("td.evidence").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("silent", await page.Locator("#trace tr[data-rule='KET-01']").GetAttributeAsync("data-outcome"));

        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "preview-contraindicated.png"), FullPage = true });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
        {
            // Refresh the README's picture: UPDATE_SCREENSHOTS=1 dotnet test --filter PreviewPageTests
            // The header, the form, the cards and the top of the trace: what an admin sees first.
            await page.ScreenshotAsync(new()
            {
                Path = Path.Combine(Repository.Root, "docs", "preview-contraindicated.png"),
                Clip = new() { X = 0, Y = 0, Width = 1200, Height = 1700 },
                FullPage = true,
            });
        }
    }

    [Fact]
    public async Task GivenAPatientMidSeries_WhenPreviewed_ThenTheResponseCardDrawsTheScoreTrajectory()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { ["Admin__ApiKey"] = AdminKey });
        var page = await OpenAsync(service);

        await page.SelectOptionAsync("#example", "order-sign-mid-series");
        await page.FillAsync("#at", "2026-11-26");
        await page.ClickAsync("#preview-button");

        var card = page.Locator("#cards article.card", new() { HasText = "No response after the induction series" });
        await card.WaitForAsync();
        Assert.Equal("warning", await card.GetAttributeAsync("data-indicator"));
        var chart = card.Locator("svg.trajectory");
        // Baseline 19 on 10-31, then 17, 15 and 14 during the series: four points, in date order, each labelled.
        Assert.Equal(4, await chart.Locator("circle").CountAsync());
        Assert.Equal(["19", "17", "15", "14"], await chart.Locator("text[font-size='10']").AllTextContentsAsync());
        Assert.Equal("Score trajectory: 2026-10-31 19, 2026-11-10 17, 2026-11-17 15, 2026-11-24 14", await chart.GetAttributeAsync("aria-label"));
        // The eligibility card rests on no course: no chart there.
        Assert.Equal(0, await page.Locator("#cards article.card", new() { HasText = "eligibility criteria" }).Locator("svg").CountAsync());

        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
        {
            await card.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", "preview-series-trajectory.png") });
        }
    }

    [Fact]
    public async Task GivenCrisisTierEditedOnDisk_WhenCompared_ThenTheCaseGainingACriticalIsListedAndTheMissingVersionFlagged_AndReloadIsRefused()
    {
        using var rules = new RulePackCopy();
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Admin__ApiKey"] = AdminKey,
            ["Rules__Path"] = rules.Folder,
            ["Rules__ReloadOnChange"] = "false",
        });
        rules.EditAfter("rulesets/contraindications.yaml", "id: KET-13-CRIT", "ge: 180", "ge: 170");
        var page = await OpenAsync(service);
        // The start-up swap is in the history the page shows; the rules table shows each rule's version and approval.
        await page.Locator("#history tr[data-made-by='start-up']").First.WaitForAsync();
        Assert.Equal("not recorded", await page.Locator("#rules tr[data-rule='KET-13-CRIT'] td").Last.TextContentAsync());

        await page.ClickAsync("#diff-button");
        var gained = page.Locator("#diff tr[data-rule='KET-13-CRIT'][data-change='gained']");
        await gained.First.WaitForAsync();
        Assert.Contains("179/109", await gained.First.Locator("td").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#diff tr[data-rule='KET-13-CRIT'][data-change='lost']").CountAsync());
        Assert.Contains("KET-13-CRIT changed since it went live at", await page.Locator("#diff-unversioned").TextContentAsync(), StringComparison.Ordinal);

        await page.ClickAsync("#reload-button");
        await page.Locator("#reload-errors li", new() { HasText = "give it a new version and lastReviewed" }).WaitForAsync();
        Assert.Contains("REJECTED", await page.Locator("#reload-status").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenScriptInRuleTextAndPatientData_WhenPreviewed_ThenItRendersAsTextAndNeverRuns()
    {
        using var rules = new RulePackCopy();
        rules.Edit("rulesets/contraindications.yaml", text => text
            .Replace("summary: \"History of a primary psychotic disorder: ketamine can worsen psychosis and is usually avoided\"", "summary: \"<script>window.__injected='summary'</script> psychosis\"", StringComparison.Ordinal)
            .Replace("Schizophrenia, schizoaffective or another primary psychotic disorder is recorded (active or past).",
                "<img src=x onerror=\"window.__injected='detail'\"> [see](javascript:window.__injected='link') recorded.", StringComparison.Ordinal));
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Admin__ApiKey"] = AdminKey,
            ["Rules__Path"] = rules.Folder,
            ["Rules__RunTests"] = "false",
        });
        var page = await OpenAsync(service);

        var evil = "<script>window.__injected='patient'</script>";
        var bundle = """
            {"resourceType":"Bundle","type":"collection","entry":[
              {"resource":{"resourceType":"Patient","id":"x","gender":"female","birthDate":"1980-01-01","name":[{"family":"EVIL"}]}},
              {"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/x"},
                "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F20.9","display":"EVIL"}]}}}
            ]}
            """.Replace("EVIL", evil, StringComparison.Ordinal);
        await page.CheckAsync("input[name=source][value=bundle]");
        await page.FillAsync("#bundle", bundle);
        await page.SelectOptionAsync("#hook", "order-sign");
        await page.ClickAsync("#preview-button");

        var card = page.Locator("#cards article.card.critical").First;
        await card.WaitForAsync();
        Assert.Equal("<script>window.__injected='summary'</script> psychosis", await card.Locator(".summary").TextContentAsync());
        Assert.Contains("<img src=x", await card.Locator(".detail").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains(evil, await card.Locator(".detail").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#cards script, #cards img, #trace script").CountAsync());
        Assert.Equal(0, await page.Locator("#cards a[href^='javascript']").CountAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__injected ?? null"));
    }

    [Fact]
    public async Task GivenOverriddenCards_WhenStatisticsShown_ThenIssuedOverrideRateAndReasonPerRule()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { ["Admin__ApiKey"] = AdminKey });
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        var cards = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var (_, body, _) = await HttpJson.PostAsync(http, HttpJson.Example("order-sign-schizophrenia.json"));
            cards.Add(body.GetProperty("cards")[0].GetProperty("uuid").GetString()!);
        }

        var feedback = HttpJson.Feedback(cards[0], "overridden", "risk-benefit-ratio", reasonDisplay: "Recipient assessment of risk/benefit ratio");
        // Cards are audited off the request path: wait for both audit rows, then send the feedback once (each item sent
        // is stored, so sending it on every poll would count it as many times on a slow machine).
        await Eventually.UntilAsync(async () =>
            (await http.GetStringAsync(new Uri("/admin/statistics?since=30d", UriKind.Relative))).Contains("\"ruleId\":\"KET-08\",\"issued\":2", StringComparison.Ordinal),
            "both cards audited", seconds: 20);
        await HttpJson.PostAsync(http, "ketamine-order-sign/feedback", feedback);

        var page = await OpenAsync(service);
        var row = page.Locator("#stats tr[data-rule='KET-08']");
        await row.WaitForAsync();
        var cells = await row.Locator("td").AllTextContentsAsync();
        // Shown twice, none kept back (a critical card at the final check), one overridden, one ignored, not yet flagged.
        Assert.Equal(["KET-08", "2", "0", "100% (1 of 1)", "1", "Recipient assessment of risk/benefit ratio (1)", ""], cells);
        Assert.True(await row.Locator(".bar.override").BoundingBoxAsync() is { Width: > 150 });
    }

    [Fact]
    public async Task GivenWrongCredential_WhenPageOpened_ThenChallengedAndNothingShown()
    {
        await using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?> { ["Admin__ApiKey"] = AdminKey });
        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        using var anonymous = await http.GetAsync(new Uri("/admin/", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var challenge = Assert.Single(anonymous.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("realm=\"KetamineCds admin\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Empty(await anonymous.Content.ReadAsStringAsync());

        await using var context = await browser.Browser.NewContextAsync(new() { HttpCredentials = new() { Username = "admin", Password = "wrong" } });
        var page = await context.NewPageAsync();
        var refused = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(new Uri(service.BaseAddress, "/admin/").ToString()));
        Assert.StartsWith("net::ERR_", refused.Message, StringComparison.Ordinal); // the browser shows no page
    }

    private async Task<IPage> OpenAsync(ServiceProcess service)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            HttpCredentials = new() { Username = "admin", Password = AdminKey },
            ViewportSize = new() { Width = 1200, Height = 900 },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.GotoAsync(new Uri(service.BaseAddress, "/admin/").ToString());
        await page.Locator("body[data-ready=true]").WaitForAsync();
        Assert.Empty(errors);
        return page;
    }
}
