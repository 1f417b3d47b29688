using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The registration sheet a site types into its EHR: its prefetch table must be exactly what discovery serves that EHR,
/// or the registered queries and the ones the service reads would drift apart.
/// </summary>
[Trait("Category", "Integration")]
public sealed class InstallSheetTests
{
    [Theory]
    [InlineData("epic")]
    [InlineData("oracle-health")]
    [InlineData("meditech")]
    [InlineData("sandbox")]
    public async Task GivenAnEhr_WhenItsInstallSheetIsPrinted_ThenItsServicesAndPrefetchAreExactlyWhatDiscoveryServesIt(string ehr)
    {
        var (exit, sheet, error) = await ServiceProcess.RunVerbAsync("install-sheet", ehr, "--rules", Path.Combine(Repository.Root, "rules"),
            "--base-url", "https://cds.hospital.example");
        Assert.True(exit == 0, error);

        await using var app = new ConfiguredApplication(new Dictionary<string, string?>());
        var discovery = JsonDocument.Parse(await app.CreateClient().GetStringAsync($"/cds-services?ehr={ehr}")).RootElement.GetProperty("services");

        var services = discovery.EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToList();
        Assert.Equal(services, Rows(sheet, "## Services").Select(r => r[0]));
        Assert.All(Rows(sheet, "## Services"), r => Assert.Equal($"https://cds.hospital.example/cds-services/{r[0]}", r[2]));
        foreach (var service in discovery.EnumerateArray())
        {
            var prefetch = service.GetProperty("prefetch").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToList();
            Assert.Equal(prefetch, Rows(sheet, "## Prefetch").Select(r => (r[0], r[1])));
        }
    }

    [Fact]
    public async Task GivenOracleHealth_WhenItsSheetIsPrinted_ThenOnlyPatientViewAndNoKeyItNeverServes()
    {
        var (exit, sheet, error) = await ServiceProcess.RunVerbAsync("install-sheet", "oracle-health", "--rules", Path.Combine(Repository.Root, "rules"));

        Assert.True(exit == 0, error);
        Assert.Equal(["ketamine-patient-view"], Rows(sheet, "## Services").Select(r => r[0]));
        var keys = Rows(sheet, "## Prefetch").Select(r => r[0]).ToList();
        Assert.DoesNotContain("medicationStatements", keys);
        Assert.DoesNotContain("medicationDispenses", keys);
        Assert.Contains("observationsVitalSigns", keys);
        Assert.Contains("KET-13-CRIT", sheet, StringComparison.Ordinal); // the HTI-1 source attributes, rule by rule
    }

    [Fact]
    public async Task GivenAnUnknownEhr_WhenAsked_ThenExit2NamingTheKnownOnes()
    {
        var (exit, _, error) = await ServiceProcess.RunVerbAsync("install-sheet", "cerner-classic", "--rules", Path.Combine(Repository.Root, "rules"));

        Assert.Equal(2, exit);
        Assert.Contains("epic", error, StringComparison.Ordinal);
    }

    // The rows of the first Markdown table after a heading, as cells (the header and rule lines skipped).
    private static List<string[]> Rows(string sheet, string heading)
    {
        var lines = sheet.Split('\n').SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal)).Skip(1)
            .SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2);
        return [.. lines.Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())];
    }
}
