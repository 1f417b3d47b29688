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
            data.SetTag("url.full", TelemetryExtensions.RedactedUrl(url));
        }

        data.SetTag("url.path", null);
        data.SetTag("url.query", null);
        data.SetTag("http.url", null);
    }
}
