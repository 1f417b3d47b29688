using System.Text.Json;
using Hl7.Fhir.Model;
using KetamineCds.Api.Fhir;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;

namespace KetamineCds.Benchmarks;

/// <summary>
/// What the working tools (phases, evaluate) start from: an order-sign request of a given size, the shipped pack, the
/// pinned evaluation date, and the request's prefetch and draft orders already read into FHIR resources.
/// </summary>
public sealed record ProfiledOrderSign(byte[] Body, CompiledPack Pack, DateTimeOffset Now, IReadOnlyList<Resource> Resources, IReadOnlyList<MedicationRequest> Drafts)
{
    public static ProfiledOrderSign Build(int resources)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(RequestCorpus.OrderSign(resources)).RootElement);
        var pack = RulePackLoader.Load(Path.Combine(RequestCorpus.FindRoot(), "rules")).Pack!;
        using var document = JsonDocument.Parse(body);
        var parsed = new List<Resource>();
        foreach (var value in document.RootElement.GetProperty("prefetch").EnumerateObject())
        {
            parsed.AddRange(FhirJson.Flatten(FhirJson.Parse(value.Value)));
        }

        var drafts = FhirJson.Flatten(FhirJson.Parse(document.RootElement.GetProperty("context").GetProperty("draftOrders"))).OfType<MedicationRequest>().ToList();
        return new ProfiledOrderSign(body, pack, new DateTimeOffset(2012, 6, 1, 0, 0, 0, TimeSpan.Zero), parsed, drafts);
    }
}
