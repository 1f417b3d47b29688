using KetamineCds.Rules.Model;
using Microsoft.Extensions.Options;

namespace KetamineCds.Api.Auth;

/// <summary>
/// The shipped EHR profiles and the profile of each caller. The values are what each vendor documents; where a vendor
/// is silent the profile takes the safe side (Medications read by id rather than trusting <c>_include</c>), and every
/// value can be changed per site under <c>Auth:Profiles</c>. README §EHR profiles gives each source.
/// </summary>
public sealed class EhrProfiles
{
    public const string Spec = "spec";
    public const string Sandbox = "sandbox";
    public const string Epic = "epic";
    public const string OracleHealth = "oracle-health";
    public const string Meditech = "meditech";

    /// <summary>The shipped profiles, by name.</summary>
    public static IReadOnlyDictionary<string, EhrProfile> Shipped { get; } = new Dictionary<string, EhrProfile>(StringComparer.Ordinal)
    {
        [Spec] = new() { Name = Spec },
        [Sandbox] = new()
        {
            Name = Sandbox,
            Source = "CDS Hooks Sandbox (github.com/cds-hooks/sandbox): fetches every discovery prefetch template from its FHIR server",
        },
        [Epic] = new()
        {
            Name = Epic,
            Source = "Epic on FHIR, CDS Hooks tutorial (fhir.epic.com/Documentation?docId=cds-hooks): selectionBehavior \"any\" only; "
                + "static alphanumeric source.topic.code for acknowledgements; patient-view reused for native triggers "
                + "(bpa-trigger-action, 60 = Open Patient Chart); FHIR APIs granted per Condition and Observation category; "
                + "requests declare CDS Hooks 1.x (cds-hooks-specification-version)",
            HonoursInclude = false,
            ConditionsByCategory = true,
            SelectionBehaviors = ["any"],
            DeleteAction = DeleteActionForm.Both,
            TriggerExtension = "com.epic.cdshooks.request.bpa-trigger-action",
            PatientViewTriggers = ["60"],
        },
        [OracleHealth] = new()
        {
            Name = OracleHealth,
            Source = "Oracle Health (Cerner) CDS Hooks documentation, draft (cerner/fhir.cerner.com PR #707): patient-view only, "
                + "services registered per FHIR scope; Millennium R4 serves no MedicationStatement or MedicationDispense",
            Hooks = [Rules.Model.Hooks.PatientView],
            NeverServes = ["medicationStatements", "medicationDispenses"],
            HonoursInclude = false,
            DeleteAction = DeleteActionForm.Both,
        },
        [Meditech] = new()
        {
            Name = Meditech,
            Source = "MEDITECH Expanse FHIR R4 API: no MedicationStatement or MedicationAdministration resource",
            NeverServes = ["medicationStatements", "medicationAdministrations"],
            HonoursInclude = false,
        },
    };

    private readonly Dictionary<string, EhrProfile> _byName;
    private readonly Dictionary<string, EhrProfile> _byIssuer;
    private readonly EhrProfile _unauthenticated;

    public EhrProfiles(IOptions<AuthOptions> options)
    {
        var settings = options.Value;
        _byName = Resolve(settings.Profiles);
        _byIssuer = settings.TrustedIssuers.Where(i => i.Issuer.Length > 0)
            .ToDictionary(i => i.Issuer, i => _byName.GetValueOrDefault(i.Profile ?? Spec) ?? _byName[Spec], StringComparer.Ordinal);
        _unauthenticated = _byName.GetValueOrDefault(settings.DefaultProfile) ?? _byName[Spec];
    }

    /// <summary>Every profile this service knows: the shipped ones with the site's changes, and the site's own.</summary>
    public IReadOnlyCollection<EhrProfile> All => _byName.Values;

    /// <summary>The profile of a caller: its trusted issuer's, or <c>Auth:DefaultProfile</c> when no issuer is known (authentication off).</summary>
    public EhrProfile ForIssuer(string? issuer) => issuer is not null && _byIssuer.TryGetValue(issuer, out var profile) ? profile : _unauthenticated;

    /// <summary>A profile by name, or null.</summary>
    public EhrProfile? Named(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The shipped profiles with a site's <c>Auth:Profiles</c> laid over them.</summary>
    public static Dictionary<string, EhrProfile> Resolve(IReadOnlyDictionary<string, EhrProfileSettings> site)
    {
        var profiles = new Dictionary<string, EhrProfile>(Shipped, StringComparer.Ordinal);
        foreach (var (name, settings) in site)
        {
            var basis = profiles.GetValueOrDefault(name) ?? Shipped.GetValueOrDefault(settings.BasedOn ?? Spec) ?? Shipped[Spec];
            profiles[name] = settings.Over(basis, name);
        }

        return profiles;
    }

    /// <summary>What is wrong with a site's profiles, in words for start-up validation.</summary>
    public static IEnumerable<string> Problems(AuthOptions options)
    {
        foreach (var (name, settings) in options.Profiles)
        {
            if (settings.BasedOn is { } basis && !Shipped.ContainsKey(basis))
            {
                yield return $"Auth:Profiles:{name}:BasedOn '{basis}' is not a shipped profile ({string.Join(", ", Shipped.Keys)}).";
            }

            foreach (var value in (settings.SelectionBehaviors ?? []).Where(v => v is not ("any" or "at-most-one")))
            {
                yield return $"Auth:Profiles:{name}:SelectionBehaviors '{value}' is not a CDS Hooks value (any, at-most-one).";
            }

            foreach (var hook in (settings.Hooks ?? []).Where(h => !Hooks.All.Contains(h)))
            {
                yield return $"Auth:Profiles:{name}:Hooks '{hook}' is not a hook this service answers ({string.Join(", ", Hooks.All)}).";
            }
        }

        var known = Resolve(options.Profiles);
        foreach (var issuer in options.TrustedIssuers.Where(i => i.Profile is not null && !known.ContainsKey(i.Profile)))
        {
            yield return $"Auth:TrustedIssuers '{issuer.Issuer}': profile '{issuer.Profile}' is unknown ({string.Join(", ", known.Keys.Order())}).";
        }

        if (!known.ContainsKey(options.DefaultProfile))
        {
            yield return $"Auth:DefaultProfile '{options.DefaultProfile}' is unknown ({string.Join(", ", known.Keys.Order())}).";
        }
    }
}
