using System.Net;
using System.Text.Json;
using KetamineCds.Api.CdsHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The clinician's year (issue 39): a course replayed session by session through the hook endpoints, order-select then
/// order-sign of each session's draft by the same prescriber, with the clinical clock advanced to each session day and
/// the card memory in the store, as a year of real calls would run. Prints the replay (session, day, hook, cards):
/// <c>dotnet test tests/KetamineCds.Api.Tests --filter ClinicianYearTests --logger "console;verbosity=detailed"</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClinicianYearTests(ITestOutputHelper output)
{
    private sealed record Shown(int Session, int Day, string Hook, string Rule, string Indicator, string Summary);

    private async Task<List<Shown>> ReplayAsync(CourseYear course, bool orderSelect = true)
    {
        await using var app = new ConfiguredApplication(new Dictionary<string, string?>(), CourseYear.FirstInfusion);
        var client = app.CreateClient();
        var writer = app.Services.GetRequiredService<CardMemoryWriter>();
        var discovery = JsonDocument.Parse(await client.GetStringAsync("/cds-services")).RootElement;
        var keys = discovery.GetProperty("services").EnumerateArray().SelectMany(s => s.GetProperty("prefetch").EnumerateObject().Select(p => p.Name))
            .Distinct(StringComparer.Ordinal).ToList();
        var shown = new List<Shown>();
        long remembered = 0;
        for (var session = 1; session <= course.Days.Count; session++)
        {
            app.Clock.SetUtcNow(course.SessionTime(session));
            foreach (var hook in orderSelect ? new[] { "order-select", "order-sign" } : ["order-sign"])
            {
                var (status, body, _) = await HttpJson.PostAsync(client, course.Request(session, hook, keys));
                Assert.Equal(HttpStatusCode.OK, status);
                var cards = body.GetProperty("cards").EnumerateArray().ToList();
                foreach (var card in cards)
                {
                    var rule = card.TryGetProperty("extension", out var e) && e.TryGetProperty("org.ketaminecds.rule", out var r) ? r.GetString()!.Split('@')[0] : "(incomplete)";
                    shown.Add(new Shown(session, course.Days[session - 1], hook, rule, card.GetProperty("indicator").GetString()!, card.GetProperty("summary").GetString()!));
                }

                // The clinician reads and moves on: the memory of what was shown is written before the next hook.
                remembered += cards.Count(c => c.TryGetProperty("extension", out var e) && e.TryGetProperty("org.ketaminecds.rule", out _)) + (hook == "order-select" ? 1 : 0);
                await Eventually.UntilAsync(() => writer.Written >= remembered, "the card memory written");
            }
        }

        output.WriteLine($"{course.Days.Count} sessions, {shown.Count} cards:");
        foreach (var card in shown)
        {
            output.WriteLine($"  session {card.Session,2} (day {card.Day,3}) {card.Hook,-12} {card.Indicator,-8} {card.Rule,-22} {card.Summary}");
        }

        return shown;
    }

    [Fact]
    public async Task GivenAnUncomplicatedRespondersYear_WhenReplayed_ThenOnlyTheReminderTheTwoMilestonesAndTheExposureThresholdAndNoWarning()
    {
        var shown = await ReplayAsync(new CourseYear(CourseYear.Responder));

        Assert.DoesNotContain(shown, c => c.Indicator != "info");
        // The exposure threshold (more than 15 sessions in 12 months) when first crossed, and once more after the pack's
        // thresholdReminder (90 days) while it still holds; each at order-select only.
        Assert.Equal(["KET-38", "KET-39-RESPONSE", "KET-40-CUMULATIVE", "KET-39-REMISSION", "KET-40-CUMULATIVE"], shown.Select(c => c.Rule));
        Assert.All(shown, c => Assert.Equal("order-select", c.Hook));
        Assert.Equal((1, "order-select"), (shown[0].Session, shown[0].Hook)); // the reminder on the first order, where its monitoring orders can join it
        Assert.DoesNotContain(shown, c => c.Rule == "KET-37"); // Monday/Wednesday/Friday is the induction, not too frequent
    }

    [Fact]
    public async Task GivenACrisisBloodPressureBeforeSessionNine_WhenReplayed_ThenItsCriticalCardAtThatSessionAtBothHooks()
    {
        var shown = await ReplayAsync(new CourseYear(CourseYear.Responder, sessions: 10).WithBloodPressureBefore(9, 186, 112));

        var critical = shown.Where(c => c.Indicator == "critical").ToList();
        Assert.Equal([(9, "order-select"), (9, "order-sign")], critical.Select(c => (c.Session, c.Hook)));
        Assert.All(critical, c => Assert.Contains("186/112", c.Summary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenANonResponderAndARelapse_WhenReplayed_ThenEachMilestoneExactlyOnce()
    {
        var none = await ReplayAsync(new CourseYear(CourseYear.NonResponder, sessions: 9));
        Assert.Single(none, c => c.Rule == "KET-39-NO-RESPONSE");
        Assert.DoesNotContain(none, c => c.Rule is "KET-39-RESPONSE" or "KET-39-REMISSION");

        var relapse = await ReplayAsync(new CourseYear(CourseYear.LosesResponse, sessions: 12));
        var lost = Assert.Single(relapse, c => c.Rule == "KET-39-LOST-RESPONSE");
        Assert.Contains("now 22 → 17", lost.Summary, StringComparison.Ordinal); // where the score is now, not the best it reached
        Assert.Equal(1, relapse.Count(c => c.Rule is "KET-39-RESPONSE" or "KET-39-REMISSION"));
    }

    [Fact]
    public async Task GivenASiteThatCallsOnlyOrderSign_WhenTheYearIsReplayed_ThenTheReminderComesAtTheFirstSigning()
    {
        var shown = await ReplayAsync(new CourseYear(CourseYear.Responder, sessions: 8), orderSelect: false);

        Assert.Equal(("KET-38", 1), (shown[0].Rule, shown[0].Session));
        Assert.DoesNotContain(shown, c => c.Indicator != "info");
    }
}
