using KetamineCds.Api.Fhir;
using KetamineCds.Rules.Record;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// What the EHR's prefetch gave for each template, read once: the records it holds, the keys still to fetch, what it
/// reported missing (an error OperationOutcome entry), and the Bundles that continue on a <c>next</c> page. A key an
/// earlier registration used for every category (<c>observations</c>, <c>conditions</c>) answers each category key it
/// covers, and is read once.
/// </summary>
public sealed class PrefetchIntake
{
    /// <summary>A prefetch Bundle with more pages on the FHIR server (spec §Prefetch: the service may read them itself).</summary>
    public sealed record Continuation(PrefetchTemplate Template, string Key, RecordReader Record, string Next);

    public List<RecordReader> Read { get; } = [];
    public List<UnavailableData> Unavailable { get; } = [];
    public List<PrefetchTemplate> Missing { get; } = [];
    public List<Continuation> Continuations { get; } = [];

    /// <summary>Templates the prefetch answered, with data or with "none" (null).</summary>
    public int Supplied { get; private set; }

    public static PrefetchIntake Of(CdsRequest request, IReadOnlyList<PrefetchTemplate> templates, IRecordFilter filter)
    {
        var intake = new PrefetchIntake();
        var shared = new Dictionary<string, bool>(StringComparer.Ordinal); // a covering key, once read: whether it was readable
        foreach (var template in templates)
        {
            var key = request.StateOf(template.Key) == PrefetchState.NotSupplied && template.CoveredBy is { } covering
                && request.StateOf(covering) != PrefetchState.NotSupplied ? covering : template.Key;
            if (key != template.Key && shared.TryGetValue(key, out var readable))
            {
                if (readable)
                {
                    intake.Supplied++;
                }
                else
                {
                    intake.Missing.Add(template);
                }

                continue;
            }

            var answered = intake.Take(request, template, key, filter);
            if (key != template.Key)
            {
                shared[key] = answered;
            }
        }

        return intake;
    }

    // One key's value: read, or left for the FHIR server. Returns whether the prefetch answered it.
    private bool Take(CdsRequest request, PrefetchTemplate template, string key, IRecordFilter filter)
    {
        // Data under a covering key holds every category: what it lacks is the type, not one category.
        var whole = key == template.Key ? template : template with { Key = key, Category = null, Describes = CdsServiceCatalog.Describes(key) };
        switch (request.StateOf(key))
        {
            case PrefetchState.Supplied:
                var record = new RecordReader(filter) { PatientId = request.PatientId };
                var value = request.Prefetch[key]!.Value;
                if (!record.Read($"prefetch {key}", value))
                {
                    Missing.Add(template); // the value as a whole cannot be read: fetched instead when a FHIR server is given
                    return false;
                }

                Read.Add(record);
                Supplied++;
                // An error OperationOutcome inside the Bundle: the EHR says part of this key is missing.
                Unavailable.AddRange(record.Failures.Select(failure => UnavailableData.Of(whole, $"the EHR reported an error for part of it ({failure})")));
                if (FhirQueryClient.NextLink(value) is { } next)
                {
                    Continuations.Add(new Continuation(whole, key, record, next));
                }

                return true;
            case PrefetchState.NotSupplied or PrefetchState.Failed:
                Missing.Add(template);
                return false;
            default:
                Supplied++; // null: the EHR says there is no data, which is an answer
                return true;
        }
    }
}
