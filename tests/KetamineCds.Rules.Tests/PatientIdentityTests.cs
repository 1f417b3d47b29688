using System.Text.Json;
using KetamineCds.Rules.Record;

namespace KetamineCds.Rules.Tests;

/// <summary>Whom a resource is about, read before it is parsed: only a positive naming of another patient counts.</summary>
[Trait("Category", "Unit")]
public sealed class PatientIdentityTests
{
    [Theory]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"Patient/p2"}}""", true)]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"Patient/p1"}}""", false)]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"https://ehr.example/fhir/Patient/p2/_history/1"}}""", true)]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"https://ehr.example/fhir/Patient/p1"}}""", false)]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"urn:uuid:8f1c"}}""", false)]  // not judged
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"Group/g1"}}""", false)]
    [InlineData("""{"resourceType":"Observation","subject":{"reference":"RelatedPatient/p2"}}""", false)]
    [InlineData("""{"resourceType":"Observation"}""", false)]                                         // no subject: not judged
    [InlineData("""{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/p2"}}""", true)]
    [InlineData("""{"resourceType":"Consent","patient":{"reference":"Patient/p1"}}""", false)]
    [InlineData("""{"resourceType":"Patient","id":"p2"}""", true)]
    [InlineData("""{"resourceType":"Patient","id":"p1"}""", false)]
    [InlineData("""{"resourceType":"Medication","id":"m1"}""", false)]
    public void AboutAnotherPatient_ReadsSubjectPatientOrId(string json, bool other)
    {
        var resource = JsonDocument.Parse(json).RootElement;
        Assert.Equal(other, PatientIdentity.AboutAnotherPatient(resource.GetProperty("resourceType").GetString()!, resource, "p1"));
    }
}
