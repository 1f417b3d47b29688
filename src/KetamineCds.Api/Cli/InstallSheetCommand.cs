using System.CommandLine;
using System.Text;
using KetamineCds.Api.Auth;
using KetamineCds.Api.CdsHooks;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Loading;

namespace KetamineCds.Api.Cli;

/// <summary>
/// <c>ketamine-cds install-sheet epic|oracle-health|meditech|sandbox</c>: what a site types into its EHR to register
/// the service (Epic and Oracle Health register by hand, from a sheet the vendor does not provide): the services and
/// their URLs, the prefetch table (key and query exactly as discovery serves them to that EHR), the JWT values, the
/// feedback URL, what the cards carry, and the HTI-1 source attributes. Made from the same catalogue discovery serves
/// (<see cref="CdsServiceCatalog"/>), with the site's <c>Auth:Profiles</c> settings, so the two cannot disagree.
/// </summary>
public static class InstallSheetCommand
{
    public static Command Create()
    {
        var ehr = new Argument<string>("ehr") { Description = "The EHR profile: epic, oracle-health, meditech, sandbox, spec, or one under Auth:Profiles" };
        var baseUrl = new Option<string>("--base-url") { Description = "The service's public base URL as the EHR reaches it (default: Auth:Audience, else https://cds.example.org)" };
        var folder = new Option<string>("--rules") { Description = "The rule pack folder", DefaultValueFactory = _ => DefaultRules };
        var command = new Command("install-sheet", "Print the registration sheet for an EHR: services, prefetch table, JWT values, feedback URL") { ehr, baseUrl, folder };
        command.SetAction(parse => Print(parse.GetValue(ehr)!, parse.GetValue(baseUrl), parse.GetValue(folder)!));
        return command;
    }

    // The pack the service itself loads: the one beside the binary, as Rules:Path defaults.
    private static string DefaultRules => Directory.Exists(Path.Combine(AppContext.BaseDirectory, "rules")) ? Path.Combine(AppContext.BaseDirectory, "rules") : "rules";

    private static int Print(string name, string? baseUrl, string folder)
    {
        var settings = SiteSettings.Auth();
        var profiles = EhrProfiles.Resolve(settings.Profiles);
        if (!profiles.TryGetValue(name, out var profile))
        {
            Console.Error.WriteLine($"no EHR profile '{name}'; known: {string.Join(", ", profiles.Keys.Order(StringComparer.Ordinal))}");
            return 2;
        }

        var loaded = RulePackLoader.Load(folder);
        if (!loaded.IsValid)
        {
            Console.Error.WriteLine($"{folder}: the rule pack is not valid; run 'ketamine-cds rules check {folder}'");
            return 1;
        }

        var root = (baseUrl ?? settings.Audience ?? "https://cds.example.org").TrimEnd('/');
        Console.Write(Sheet(profile, loaded.Pack!, root));
        return 0;
    }

    /// <summary>The sheet as Markdown: tables a site can print, and a test can read back.</summary>
    public static string Sheet(EhrProfile profile, CompiledPack pack, string root)
    {
        var services = CdsServiceCatalog.Describe(pack, profile);
        var templates = CdsServiceCatalog.Templates(pack, profile);
        var sheet = new StringBuilder();
        sheet.AppendLine($"# KetamineCds install sheet: {profile.Name}")
            .AppendLine()
            .AppendLine($"Rule pack {pack.Label} (content hash {pack.ContentHash[..12]}). Profile source: {profile.Source}.")
            .AppendLine()
            .AppendLine("## Services")
            .AppendLine()
            .AppendLine("| service id | hook | URL | feedback URL |")
            .AppendLine("|---|---|---|---|");
        foreach (var service in services)
        {
            sheet.AppendLine($"| {service.Id} | {service.Hook} | {root}/cds-services/{service.Id} | {root}/cds-services/{service.Id}/feedback |");
        }

        sheet.AppendLine()
            .AppendLine("## Prefetch (register every row, for every service above)")
            .AppendLine()
            .AppendLine("| key | query |")
            .AppendLine("|---|---|");
        foreach (var (key, query) in services.FirstOrDefault()?.Prefetch ?? new Dictionary<string, string>())
        {
            sheet.AppendLine($"| {key} | {query} |");
        }

        sheet.AppendLine()
            .AppendLine("Keys this EHR cannot serve are left out; a query it refuses (403) costs only its own key, named on the card.");
        if (profile.NeverServes.Count > 0)
        {
            sheet.AppendLine($"Not registered, because {profile.Name} never serves them (no warning is raised for them): {string.Join(", ", profile.NeverServes)}.");
        }

        if (!profile.HonoursInclude)
        {
            sheet.AppendLine("Medications named by reference are read by id (Medication/{id}): grant Medication read.");
        }

        sheet.AppendLine($"Scopes to grant (read and search): {string.Join(", ", templates.Select(t => t.ResourceType).Append("Medication").Distinct().Order(StringComparer.Ordinal))}.")
            .AppendLine()
            .AppendLine("## JWT the EHR signs (CDS Hooks 2.0 §Trusting CDS Clients)")
            .AppendLine()
            .AppendLine("| claim or setting | value |")
            .AppendLine("|---|---|")
            .AppendLine("| alg | ES384 or RS384 |")
            .AppendLine("| iss | the EHR's issuer; set it as Auth:TrustedIssuers:N:Issuer |")
            .AppendLine($"| aud | the service URL called ({root}/cds-services/…); if the EHR sends one fixed value, list it in Auth:TrustedIssuers:N:Audiences |")
            .AppendLine("| jku / JWKS | the EHR's JWKS URL; set it as Auth:TrustedIssuers:N:JwksUri (or AllowedJku) |")
            .AppendLine("| exp, iat, jti | required; lifetime at most Auth:MaxTokenLifetimeMinutes (60) |")
            .AppendLine($"| profile | set Auth:TrustedIssuers:N:Profile to {profile.Name} |")
            .AppendLine()
            .AppendLine("## Cards")
            .AppendLine()
            .AppendLine($"- selectionBehavior: {string.Join(" or ", profile.SelectionBehaviors)}; \"any\" unless a card's choices exclude each other.")
            .AppendLine($"- Delete actions name the order as {profile.DeleteAction switch { DeleteActionForm.ResourceId => "resourceId (CDS Hooks 2.0)", DeleteActionForm.Resource => "a resource string (CDS Hooks 1.0)", _ => "resourceId and a resource string (2.0 and 1.0)" }}.")
            .AppendLine("- source.topic.code is static and alphanumeric per rule (e.g. KET13CRIT), so an acknowledgement is remembered.")
            .AppendLine($"- source.url is each rule's public page, {root}/rules/{{id}}: allow-list it as a link.")
            .AppendLine("- Override reasons come back as feedback (overrideReason or overrideReasons) and are counted per rule.");
        if (profile.TriggerExtension is { } trigger)
        {
            sheet.AppendLine($"- patient-view is answered only when {trigger} is one of {string.Join(", ", profile.PatientViewTriggers)} (or absent).");
        }

        var attributes = InterventionAttributes.For(pack);
        sheet.AppendLine()
            .AppendLine("## Source attributes (ONC HTI-1, 45 CFR 170.315(b)(11)(iv)(A))")
            .AppendLine()
            .AppendLine($"Developer: {attributes.Developer}. Funding source: {attributes.FundingSource ?? "not stated"}. Released: {attributes.Released ?? "not stated"}; "
                + $"last revised: {attributes.Revised}. Governance sign-off: {(attributes.SignedOffBy is { } by ? $"{by} {attributes.SignedOffOn}" : "not yet recorded")}.")
            .AppendLine()
            .AppendLine("| rule | title | revised | data elements | citations | page |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var rule in attributes.Interventions)
        {
            sheet.AppendLine($"| {rule.Id}@{rule.Version} | {Cell(rule.Title)} | {rule.Revised} | {Cell(string.Join("; ", rule.DataElements))} | "
                + $"{Cell(string.Join("; ", rule.Citations))} | {root}/{rule.Page} |");
        }

        return sheet.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
