using System.Net;
using KetamineCds.Api.Fhir;

namespace KetamineCds.Api.Tests;

/// <summary>Where a FHIR query and the EHR's token may go: the allow-list by origin and whole path segments, and the addresses a name may resolve to.</summary>
[Trait("Category", "Unit")]
public sealed class FhirServerPolicyTests
{
    [Theory]
    [InlineData("https://ehr.example/fhir", "https://ehr.example/fhir/Observation?patient=p1", true)]
    [InlineData("https://ehr.example/fhir/", "https://ehr.example/fhir", true)]
    [InlineData("https://ehr.example/fhir", "https://EHR.example/FHIR/Condition", true)]
    [InlineData("https://ehr.example/fhir", "https://ehr.example/fhir-evil/Observation", false)]   // a string prefix, not a segment
    [InlineData("https://ehr.example", "https://ehr.example.attacker.test/Observation", false)] // a string prefix, not a host
    [InlineData("https://ehr.example/fhir", "http://ehr.example/fhir/Observation", false)]       // the token never in clear
    [InlineData("https://ehr.example/fhir", "https://ehr.example:8443/fhir/Observation", false)] // another origin
    [InlineData("https://ehr.example/fhir", "https://ehr.example/admin", false)]
    [InlineData("https://ehr.example/fhir", "https://user@ehr.example/fhir/Observation", false)]
    public void IsUnder_ComparesOriginAndWholePathSegments(string baseUrl, string target, bool expected) =>
        Assert.Equal(expected, FhirServerPolicy.IsUnder(new Uri(baseUrl), new Uri(target)));

    [Theory]
    [InlineData("https://ehr.example/fhir", true)]
    [InlineData("https://ehr.example/fhir/", true)]
    [InlineData("https://ehr.example/fhir/other", false)]
    [InlineData("https://ehr.example.attacker.test/fhir", false)]
    [InlineData("http://ehr.example/fhir", false)]
    public void Refusal_AllowsOnlyAListedBaseOverHttpsInProduction(string server, bool allowed) =>
        Assert.Equal(allowed, FhirServerPolicy.Refusal(new Uri(server), ["https://ehr.example/fhir"], isDevelopment: false) is null);

    [Fact]
    public void Refusal_WithAnEmptyListAllowsNothingOutsideDevelopment()
    {
        Assert.NotNull(FhirServerPolicy.Refusal(new Uri("https://ehr.example/fhir"), [], isDevelopment: false));
        Assert.Null(FhirServerPolicy.Refusal(new Uri("http://localhost:8080/fhir"), [], isDevelopment: true));
    }

    [Theory]
    [InlineData("169.254.169.254", false)] // AWS, GCP, Azure instance metadata
    [InlineData("169.254.10.1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00:ec2::254", false)]   // AWS metadata over IPv6
    [InlineData("100.100.100.200", false)] // Alibaba Cloud metadata
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("10.20.30.40", true)]      // a hospital's internal FHIR server
    [InlineData("192.168.1.10", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("203.0.113.7", true)]
    public void AddressGuard_RefusesLinkLocalAndMetadataAddresses(string address, bool permitted)
    {
        Assert.Equal(permitted, new FhirAddressGuard(allowLinkLocal: false).Permits(IPAddress.Parse(address)));
        Assert.True(new FhirAddressGuard(allowLinkLocal: true).Permits(IPAddress.Parse(address)));
    }
}
