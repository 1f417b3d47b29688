using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The README's command lines, run as written from the repository root: the quick start's service and every curl line
/// of the tour, the authentication walk-through, and the rule admin verbs. (The README's test command is the one
/// running these tests, so it is checked by CI and from a fresh clone instead.)
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReadmeCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task GivenTheQuickStartService_WhenEveryCurlLineOfTheTourRunsAsWritten_ThenEachAnswersWithJson()
    {
        var serviceLine = ReadmeScript.Commands("## Set-up")[0];
        Assert.StartsWith("dotnet run --project src/KetamineCds.Api ", serviceLine, StringComparison.Ordinal);
        // The launch profile listens on 5080; a Kestrel endpoint in the environment takes precedence over it.
        await using var service = ReadmeScript.Start([serviceLine], new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Http__Url"] = ReadmeScript.OnFreePorts("http://localhost:5080"),
        });
        await WaitUntilReadyAsync(ReadmeScript.OnFreePorts("http://localhost:5080/health/ready"), service);

        var tour = ReadmeScript.Commands("## Try it with curl");
        Assert.True(tour.Count >= 2, "the tour shows discovery and at least one hook call");
        foreach (var command in tour)
        {
            var (exitCode, output, script) = await ReadmeScript.RunAsync([command], Patience);
            await script.DisposeAsync();

            Assert.True(exitCode == 0, $"{command}{Environment.NewLine}exit {exitCode}: {output}");
            using var answer = JsonDocument.Parse(output);
            Assert.True(answer.RootElement.TryGetProperty("services", out _) || answer.RootElement.TryGetProperty("cards", out _), $"{command}{Environment.NewLine}{output}");
        }
    }

    [Fact]
    public async Task GivenTheAuthenticationWalkThrough_WhenItsBlockRunsAsWritten_ThenTheSignedCallGetsTheCriticalCard()
    {
        var (exitCode, output, script) = await ReadmeScript.RunAsync(ReadmeScript.Commands("## Authentication: trusting only known EHRs"), Patience);
        await script.DisposeAsync();

        // The JWKS server and the second instance the block started in the background ended with it.
        Assert.False(script.GroupAlive(), "a process the README block started is still running");
        Assert.True(exitCode == 0, $"exit {exitCode}: {output}");
        var answer = output.Split('\n').Last(line => line.StartsWith("{\"cards\"", StringComparison.Ordinal));
        using var cards = JsonDocument.Parse(answer);
        Assert.Equal("critical", cards.RootElement.GetProperty("cards")[0].GetProperty("indicator").GetString());
    }

    [Fact]
    public async Task GivenTheRuleAdminCommands_WhenRunAsWrittenFromTheRepositoryRoot_ThenEachSucceeds()
    {
        var commands = ReadmeScript.Commands("## Rule packs for clinical admins");
        Assert.Contains(commands, c => c.Contains("rules check rules", StringComparison.Ordinal));
        foreach (var command in commands)
        {
            var (exitCode, output, script) = await ReadmeScript.RunAsync([command], Patience);
            await script.DisposeAsync();

            Assert.True(exitCode == 0, $"{command}{Environment.NewLine}exit {exitCode}: {output}");
            Assert.DoesNotContain("file not found", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GivenTheEhrProfilesSection_WhenItsCommandsRunAsWritten_ThenTheInstallSheetPrintsTheRegistration()
    {
        var commands = ReadmeScript.Commands("## EHR profiles: Epic, Oracle Health, MEDITECH");
        Assert.Contains(commands, c => c.Contains("install-sheet epic", StringComparison.Ordinal));
        foreach (var command in commands)
        {
            var (exitCode, output, script) = await ReadmeScript.RunAsync([command], Patience);
            await script.DisposeAsync();

            Assert.True(exitCode == 0, $"{command}{Environment.NewLine}exit {exitCode}: {output}");
            Assert.Contains("| observationsVitalSigns | Observation?patient={{context.patientId}}&category=vital-signs |", output, StringComparison.Ordinal);
            Assert.Contains("https://cds.hospital.example/cds-services/ketamine-order-sign/feedback", output, StringComparison.Ordinal);
        }
    }

    private static async Task WaitUntilReadyAsync(string url, ReadmeScript service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url));
                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, $"the README's service at {url}; it printed: {service.Output}", seconds: 120);
    }
}
