using KetamineCds.Api.Core;
using System.Text.Json;
using KetamineCds.Rules.Model;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Parses and validates the request envelope against CDS Hooks 2.0 (§Calling a CDS Service) and the hook's context
/// table (cds-hooks-library: patient-view, order-select, order-sign). Every problem is a 400 whose message begins with
/// the JSON path of the member and says the rule it broke ("context.patientId is required and must be a non-empty
/// string"). Only the envelope is judged here: what is inside prefetch values and draft orders is FHIR data, read
/// entry by entry and leniently by the record reader, where one bad resource costs only itself.
/// </summary>
public static class CdsRequestReader
{
    public static CdsRequest Read(JsonElement root, CdsServiceDescription service)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException("$ (the request body) must be a JSON object.");
        }

        var hook = RequiredString(root, "hook", null);
        if (hook != service.Hook)
        {
            throw new InvalidRequestBodyException($"hook must be '{service.Hook}', the hook service '{service.Id}' answers.");
        }

        var hookInstance = RequiredString(root, "hookInstance", null);
        if (!Guid.TryParse(hookInstance, out _))
        {
            throw new InvalidRequestBodyException("hookInstance must be a UUID.");
        }

        var fhirServer = OptionalString(root, "fhirServer", null);
        Uri? fhirServerUri = null;
        if (fhirServer is not null && (!Uri.TryCreate(fhirServer, UriKind.Absolute, out fhirServerUri) || fhirServerUri.Scheme is not ("https" or "http")))
        {
            throw new InvalidRequestBodyException("fhirServer must be an absolute http(s) URL.");
        }

        var accessToken = ReadAuthorization(root, fhirServerUri, out var missingAuthorization);

        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException("context is required and must be an object.");
        }

        var userId = RequiredString(context, "userId", "context");
        if (!userId.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidRequestBodyException("context.userId must be a relative reference such as 'Practitioner/123'.");
        }

        var patientId = RequiredString(context, "patientId", "context");
        if (patientId.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidRequestBodyException("context.patientId is the bare Patient.id, not a reference.");
        }

        var encounterId = OptionalString(context, "encounterId", "context");
        JsonElement? draftOrders = null;
        var selections = new List<string>();
        if (Hooks.IsOrderHook(hook))
        {
            if (!context.TryGetProperty("draftOrders", out var bundle) || bundle.ValueKind != JsonValueKind.Object
                || !bundle.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String || !IsText(type, "Bundle"))
            {
                throw new InvalidRequestBodyException("context.draftOrders is required and must be a FHIR Bundle.");
            }

            draftOrders = bundle;
        }

        if (hook == Hooks.OrderSelect)
        {
            if (!context.TryGetProperty("selections", out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                throw new InvalidRequestBodyException("context.selections is required for order-select and must be a non-empty array.");
            }

            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                var path = $"context.selections[{index++}]";
                var selection = item.ValueKind == JsonValueKind.String ? Text(item, path) : null;
                if (selection is null || !selection.Contains('/', StringComparison.Ordinal))
                {
                    throw new InvalidRequestBodyException($"{path} must be a reference such as 'MedicationRequest/123'.");
                }

                selections.Add(selection);
            }
        }

        return new CdsRequest(hook, hookInstance, fhirServerUri, accessToken, patientId, userId, encounterId, draftOrders, selections, ReadPrefetch(root))
        {
            MissingAuthorizationFields = missingAuthorization,
            Extensions = ReadExtensions(root),
        };
    }

    /// <summary>
    /// The request's <c>extension</c> members whose values are strings or numbers, as text (Epic sends its trigger as
    /// "18" or 18). Unknown extensions are ignored, never refused (spec §Extensions); one that is not an object is a 400.
    /// </summary>
    private static Dictionary<string, string> ReadExtensions(JsonElement root)
    {
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("extension", out var extension) || extension.ValueKind == JsonValueKind.Null)
        {
            return extensions;
        }

        if (extension.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException("extension must be an object whose members are named in reverse-domain form (spec §Extensions).");
        }

        foreach (var member in extension.EnumerateObject())
        {
            try
            {
                if (member.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    extensions[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
                }
            }
            catch (InvalidOperationException)
            {
                // Not valid Unicode (a lone surrogate): an extension this service cannot read is ignored like any unknown one.
            }
        }

        return extensions;
    }

    private static readonly string[] OptionalAuthorizationFields = ["expires_in", "scope", "subject"];

    /// <param name="missing">The optional members the EHR left out (expires_in, scope, subject), for a Debug log line.</param>
    private static string? ReadAuthorization(JsonElement root, Uri? fhirServer, out IReadOnlyList<string> missing)
    {
        missing = [];
        if (!root.TryGetProperty("fhirAuthorization", out var auth) || auth.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (fhirServer is null)
        {
            throw new InvalidRequestBodyException("fhirAuthorization requires fhirServer.");
        }

        if (auth.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException("fhirAuthorization must be an object.");
        }

        var token = RequiredString(auth, "access_token", "fhirAuthorization");
        var tokenType = RequiredString(auth, "token_type", "fhirAuthorization");
        if (!tokenType.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidRequestBodyException("fhirAuthorization.token_type must be 'Bearer'.");
        }

        // Only the token is needed to read the FHIR server. expires_in, scope and subject are required by the spec, but
        // some EHRs and sandboxes omit them; refusing the call for that would cost the clinician the advice.
        missing = [.. OptionalAuthorizationFields.Where(name => !auth.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)];
        return token;
    }

    private static bool IsResource(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String;

    private static Dictionary<string, JsonElement?> ReadPrefetch(JsonElement root)
    {
        var prefetch = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        if (!root.TryGetProperty("prefetch", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return prefetch;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException("prefetch must be an object.");
        }

        foreach (var property in element.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                throw new InvalidRequestBodyException("prefetch has a key that is not valid Unicode text (it holds a lone UTF-16 surrogate).");
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                prefetch[name] = null;
            }
            else if (IsResource(property.Value))
            {
                prefetch[name] = property.Value;
            }
            else if (property.Value.ValueKind == JsonValueKind.Object && property.Value.TryGetProperty("resource", out var wrapped) && IsResource(wrapped))
            {
                // Before CDS Hooks 1.0 a prefetch value wrapped the resource with the server's response: read the resource.
                prefetch[name] = wrapped;
            }

            // Anything else (a number, a string, an object that is no resource) is FHIR data the EHR got wrong, not a
            // broken envelope: the key is taken as not supplied, so it is fetched from fhirServer or named on the
            // incomplete card, and the rest of the call is advised on. One bad key never refuses the whole call.
        }

        return prefetch;
    }

    /// <param name="where">The parent's JSON path (<c>context</c>), or null for a member of the body itself.</param>
    private static string RequiredString(JsonElement parent, string name, string? where)
    {
        var path = where is null ? name : $"{where}.{name}";
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(Text(value, path)))
        {
            throw new InvalidRequestBodyException($"{path} is required and must be a non-empty string.");
        }

        return Text(value, path);
    }

    private static string? OptionalString(JsonElement parent, string name, string? where)
    {
        var path = where is null ? name : $"{where}.{name}";
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(Text(value, path))
            ? Text(value, path)
            : throw new InvalidRequestBodyException($"{path} must be a non-empty string.");
    }

    private static bool IsText(JsonElement value, string expected)
    {
        try
        {
            return value.ValueEquals(expected);
        }
        catch (InvalidOperationException)
        {
            return false; // not valid Unicode text, so not the expected word
        }
    }

    /// <summary>A JSON string as text; one that is not valid Unicode (a lone UTF-16 surrogate, as \ud800) is refused by name.</summary>
    private static string Text(JsonElement value, string path)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InvalidRequestBodyException($"{path} is not valid Unicode text (it holds a lone UTF-16 surrogate).");
        }
    }
}
