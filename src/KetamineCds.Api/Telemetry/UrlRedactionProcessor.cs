using System.Diagnostics;
using OpenTelemetry;

namespace KetamineCds.Api.Telemetry;

/// <summary>
/// Strips patient identifiers from outgoing HTTP spans before any exporter sees them: FHIR URLs carry the patient id
/// in the path (<c>Patient/123</c>) and the query (<c>?patient=123</c>). Runs at span end, after the runtime has
/// set its own URL attributes, so nothing it adds slips through.
/// </summary>
public sealed class UrlRedactionProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Kind != ActivityKind.Client)
        {
            return;
        }

        if (data.GetTagItem("url.full") is string full && Uri.TryCreate(full, UriKind.Absolute, out var url))
        {
            data.SetTag("url.full", RedactedUrl(url));
        }

        data.SetTag("url.path", null);
        data.SetTag("url.query", null);
        data.SetTag("http.url", null);
    }

    public static string? RedactedUrl(Uri? url)
    {
        if (url is null)
        {
            return null;
        }

        // https://ehr.example.org/fhir/Observation?patient=… → https://ehr.example.org/fhir/Observation
        // https://ehr.example.org/fhir/Patient/123 → https://ehr.example.org/fhir/Patient/{id}
        var segments = url.AbsolutePath.TrimEnd('/').Split('/');
        var typeAt = Array.FindLastIndex(segments, s => s.Length > 0 && char.IsUpper(s[0]));
        var kept = typeAt < 0 ? "/" : string.Join('/', segments[..(typeAt + 1)]) + (typeAt < segments.Length - 1 ? "/{id}" : "");
        return $"{url.Scheme}://{url.Authority}{kept}";
    }
}
