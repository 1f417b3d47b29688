using KetamineCds.Api.Core;
using System.Text.Json;
using KetamineCds.Rules.Model;

namespace KetamineCds.Api.CdsHooks;

/// <summary>
/// Parses and validates the request body against CDS Hooks 2.0 (§Calling a CDS Service) and the hook's context
/// table (cds-hooks-library: patient-view, order-select, order-sign). Every problem is a 400 naming the field.
/// </summary>
public static class CdsRequestReader
{
    public static CdsRequest Read(JsonElement root, CdsServiceDescription service)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestBodyException("The request body must be a JSON object.");
        }

        var hook = RequiredString(root, "hook", "request");
        if (hook != service.Hook)
        {
            throw new InvalidRequestBodyException($"Service '{service.Id}' answers hook '{service.Hook}', not '{hook}'.");
        }

        var hookInstance = RequiredString(root, "hookInstance", "request");
        if (!Guid.TryParse(hookInstance, out _))
        {
            throw new InvalidRequestBodyException("hookInstance must be a UUID.");
        }

        var fhirServer = OptionalString(root, "fhirServer", "request");
        Uri? fhirServerUri = null;
        if (fhirServer is not null && (!Uri.TryCreate(fhirServer, UriKind.Absolute, out fhirServerUri) || fhirServerUri.Scheme is not ("https" or "http")))
        {
            throw new InvalidRequestBodyException("fhirServer must be an absolute http(s) URL.");
        }

        var accessToken = ReadAuthorization(root, fhirServerUri);

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
                || !bundle.TryGetProperty("resourceType", out var type) || !type.ValueEquals("Bundle"))
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

            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !item.GetString()!.Contains('/', StringComparison.Ordinal))
                {
                    throw new InvalidRequestBodyException("context.selections entries must be references such as 'MedicationRequest/123'.");
                }

                selections.Add(item.GetString()!);
            }
        }

        return new CdsRequest(hook, hookInstance, fhirServerUri, accessToken, patientId, userId, encounterId, draftOrders, selections, ReadPrefetch(root));
    }

    private static string? ReadAuthorization(JsonElement root, Uri? fhirServer)
    {
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

        if (!auth.TryGetProperty("expires_in", out var expires) || expires.ValueKind != JsonValueKind.Number)
        {
            throw new InvalidRequestBodyException("fhirAuthorization.expires_in is required and must be a number.");
        }

        RequiredString(auth, "scope", "fhirAuthorization");
        RequiredString(auth, "subject", "fhirAuthorization");
        return token;
    }

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
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                prefetch[property.Name] = null;
            }
            else if (property.Value.ValueKind != JsonValueKind.Object || !property.Value.TryGetProperty("resourceType", out var type)
                || type.ValueKind != JsonValueKind.String)
            {
                throw new InvalidRequestBodyException($"prefetch.{property.Name} must be a FHIR resource, a Bundle or null.");
            }
            else
            {
                prefetch[property.Name] = property.Value;
            }
        }

        return prefetch;
    }

    private static string RequiredString(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new InvalidRequestBodyException($"{where}.{name} is required and must be a non-empty string.");
        }

        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : throw new InvalidRequestBodyException($"{where}.{name} must be a non-empty string.");
    }
}
