using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace KetamineCds.Api.Tests;

/// <summary>Two replicas on one PostgreSQL store: a token used on one is refused on the other (jti replay across replicas).</summary>
public sealed class ReplicaReplayTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly WireMockServer _jwks = WireMockServer.Start();
    private readonly EhrSigner _ehr = new();

    public void Dispose()
    {
        _jwks.Stop();
        _ehr.Dispose();
    }

    [Fact]
    public async Task GivenTokenUsedOnOneReplica_WhenReplayedToAnother_Then401()
    {
        _jwks.Given(Request.Create().WithPath("/jwks.json").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(EhrSigner.Jwks(_ehr)));
        var database = await postgres.CreateDatabaseAsync();
        Dictionary<string, string?> Settings() => new()
        {
            ["Store:ConnectionString"] = database,
            ["Auth:Enabled"] = "true",
            ["Auth:Audience"] = EhrSigner.Audience,
            ["Auth:TrustedIssuers:0:Issuer"] = EhrSigner.Issuer,
            ["Auth:TrustedIssuers:0:JwksUri"] = $"{_jwks.Url}/jwks.json",
        };
        await using var replicaA = new ConfiguredApplication(Settings());
        await using var replicaB = new ConfiguredApplication(Settings());
        var token = _ehr.Token("/cds-services");

        Assert.Equal(HttpStatusCode.OK, await Discover(replicaA.CreateClient(), token));
        Assert.Equal(HttpStatusCode.Unauthorized, await Discover(replicaB.CreateClient(), token));
        Assert.Equal(HttpStatusCode.OK, await Discover(replicaB.CreateClient(), _ehr.Token("/cds-services")));
    }

    private static async Task<HttpStatusCode> Discover(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
