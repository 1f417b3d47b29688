using System.Net;
using System.Net.Http.Headers;
using KetamineCds.Api.Admin;

namespace KetamineCds.Api.Tests;

/// <summary>The admin key cannot be guessed: wrong keys per address lead to 429 and a lockout, and a weak key stops a Production start.</summary>
[Trait("Category", "Integration")]
public sealed class AdminKeyTests
{
    private const string StrongKey = "q3N8vZ1xT7mK2pL9rW4sY6bH0dF5gJcE";

    private static HttpRequestMessage StatusRequest(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/rules");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    [Fact]
    public async Task GivenAHundredWrongKeysInASecond_WhenPresented_Then429AfterTheFirstFewAndTheRightKeyWaitsOutTheLockout()
    {
        var sink = new CapturingLogSink();
        await using var app = new LoggedApplication(new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = StrongKey,
            ["Admin:MaxFailedAttempts"] = "5",
            ["Admin:LockoutSeconds"] = "2",
        }, sink);
        var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await client.SendAsync(StatusRequest($"guess-{i:D4}-{StrongKey[9..]}"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is >= 1 and <= 2);
                Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), statuses.Take(4));
        Assert.All(statuses.Skip(5), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        // Locked out means locked out: the right key gets the same 429, so the answer tells a guesser nothing.
        using (var locked = await client.SendAsync(StatusRequest(StrongKey)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using (var after = await client.SendAsync(StatusRequest(StrongKey)))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        // One warning for the run of wrong keys, not one per key (the window is 60 s).
        Assert.Single(sink.Lines, l => l.StartsWith("Admin authentication failed", StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Lines, l => l.Contains("guess-", StringComparison.Ordinal)); // never the presented key
    }

    [Fact]
    public async Task GivenNoCredential_WhenABrowserFirstAsks_ThenChallengedAndNotCounted()
    {
        await using var app = new ConfiguredApplication(new Dictionary<string, string?> { ["Admin:ApiKey"] = StrongKey, ["Admin:MaxFailedAttempts"] = "2" });
        var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/admin/rules");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.Single().Scheme, StringComparison.Ordinal);
        }

        using var right = await client.SendAsync(StatusRequest(StrongKey));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Theory]
    [InlineData("preview-test-admin-key")]                 // short
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // long, one character
    [InlineData("passwordpasswordpasswordpassword")]       // long, one word
    public void GivenAWeakKeyInProduction_WhenStarting_ThenRefusesToStartSayingHowToMakeOne(string key)
    {
        using var app = ProductionApplication.WithAuthenticationOffOnPurpose(("Admin:ApiKey", key));

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Admin:ApiKey is too weak", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAStrongKeyInProduction_WhenStarting_ThenAdminAnswersToIt()
    {
        await using var app = ProductionApplication.WithAuthenticationOffOnPurpose(("Admin:ApiKey", StrongKey));

        using var response = await app.CreateClient().SendAsync(StatusRequest(StrongKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("q3N8vZ1xT7mK2pL9rW4sY6bH0dF5gJcE", true)]
    [InlineData("5f0c3a9e7b1d4c2a8e6f0b3d5a7c9e1f2b4d6f8a0c2e4a6b8d0f2a4c6e8b0d2f", true)] // openssl rand -hex 32
    [InlineData("Tr0ub4dor&3", false)]
    [InlineData("abababababababababababababababab", false)]
    public void KeyStrength_TakesLengthAndTheCharactersUsed(string key, bool strong) =>
        Assert.Equal(strong, key.Length >= AdminKeyStrength.MinimumLength && AdminKeyStrength.EstimatedBits(key) >= AdminKeyStrength.MinimumBits);
}
