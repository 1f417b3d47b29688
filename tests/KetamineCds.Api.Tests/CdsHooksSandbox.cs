using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The official CDS Hooks Sandbox (<c>tests/third-party/cds-hooks-sandbox</c>, unmodified but for the site's
/// formulary), built with npm and webpack into <c>artifacts/cds-hooks-sandbox</c> (once per source and formulary:
/// later runs reuse it) and served on a loopback port together with its public JWKS, as sandbox.cds-hooks.org
/// publishes it. Its FHIR server is Medplum over a Synthea patient.
/// </summary>
public sealed class CdsHooksSandbox : IAsyncLifetime
{
    /// <summary>The <c>iss</c> of every token the Sandbox signs (src/retrieve-data-helpers/jwt-generator.js).</summary>
    public const string Issuer = "https://sandbox.cds-hooks.org";

    /// <summary>Milan Beatty (Synthea): major depressive disorder, one antidepressant (fluoxetine), records up to 2020.</summary>
    public const string DepressedPatient = "8adf7251-257f-4b45-8ef5-0a6b3b9fe0ef";

    /// <summary>The bundled example TRD candidate (patient-view-candidate.json), its dates moved to today.</summary>
    public const string CandidatePatient = "candidate-p1";

    /// <summary>The bundled example with a pre-infusion BP of 186/112 (order-sign-bp-crisis.json), moved to today.</summary>
    public const string BpCrisisPatient = "crisis-p1";

    /// <summary>
    /// The ketamine products a site adds to the Sandbox's medication list, as it configures its formulary: RxNorm
    /// ingredient 6130 and the ketamine HCl injection clinical drugs the service's order value set names.
    /// </summary>
    private const string FormularyPatch = """

        // KetamineCds interop test: the site's ketamine formulary (RxNorm ingredient 6130 and its injectable clinical drugs).
        Object.assign(rxnorm.cuiToName, {
          6130: 'ketamine',
          238082: 'ketamine 10 MG/ML Injectable Solution',
          238083: 'ketamine 50 MG/ML Injectable Solution',
          238084: 'ketamine 100 MG/ML Injectable Solution',
        });
        rxnorm.pillToComponentSets[6130] = [['6130']];
        rxnorm.componentSetsToPrescribables['6130'] = ['238082', '238083', '238084'];

        """;

    private WebApplication? _host;

    public MedplumFhirServer Fhir { get; } = new()
    {
        ExtraBundleFiles = [ExampleBundle("patient-view-candidate.json", "candidate-"), ExampleBundle("order-sign-bp-crisis.json", "crisis-")],
    };

    public string BaseUrl { get; private set; } = "";

    /// <summary>Where the Sandbox's public key is published; an issuer configured with it trusts the Sandbox.</summary>
    public string JwksUrl => $"{BaseUrl}/.well-known/jwks.json";

    private static string Source => Path.Combine(Repository.ThirdParty, "cds-hooks-sandbox");

    private static string Work => Path.Combine(Repository.Root, "artifacts", "cds-hooks-sandbox");

    /// <summary>The Sandbox's URL for one screen, configured by URL parameters alone against these servers.</summary>
    public string PageUrl(string serviceBase, string patientId, string hook, string screen) =>
        $"{BaseUrl}/?fhirServiceUrl={Uri.EscapeDataString(Fhir.BaseUrl)}&patientId={patientId}"
        + $"&serviceDiscoveryURL={Uri.EscapeDataString(serviceBase.TrimEnd('/') + "/cds-services")}&hook={hook}&screen={screen}";

    public async Task InitializeAsync()
    {
        var build = await BuildAsync();
        await Fhir.InitializeAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _host = builder.Build();
        var files = new PhysicalFileProvider(build);
        var jwks = PublicJwks();
        _host.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        _host.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        _host.MapGet("/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        await _host.StartAsync();
        BaseUrl = _host.Urls.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Fhir.DisposeAsync();
    }

    /// <summary>
    /// An example request's prefetch as one bundle for the FHIR server: dates moved to today as <c>ketamine-cds
    /// example</c> moves them (the Sandbox runs on the real clock), ids prefixed so several examples share the server.
    /// </summary>
    private static string ExampleBundle(string example, string prefix)
    {
        var request = HttpJson.Example(example);
        Cli.ExampleDates.Shift(request, DateOnly.FromDateTime(DateTime.UtcNow).DayNumber - Cli.ExampleDates.WrittenFor.DayNumber);
        var resources = request["prefetch"]!.AsObject()
            .SelectMany(p => p.Value?["resourceType"]?.GetValue<string>() == "Bundle"
                ? p.Value["entry"]?.AsArray().Select(e => e!["resource"]!.DeepClone()) ?? []
                : p.Value is null ? [] : [p.Value.DeepClone()])
            .ToList();
        var renamed = resources.ToDictionary(r => $"{r["resourceType"]}/{r["id"]}", r => $"{r["resourceType"]}/{prefix}{r["id"]}");
        foreach (var resource in resources)
        {
            resource["id"] = prefix + resource["id"]!.GetValue<string>();
            Rereference(resource, renamed);
        }

        var file = Path.Combine(Path.GetTempPath(), "ketamine-cds-tests", $"{prefix}{Guid.NewGuid():N}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var entries = new JsonArray([.. resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r })]);
        File.WriteAllText(file, new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = entries }.ToJsonString());
        return file;
    }

    private static void Rereference(JsonNode? node, IReadOnlyDictionary<string, string> renamed)
    {
        if (node is JsonObject obj)
        {
            if (obj["reference"] is JsonValue reference && renamed.TryGetValue(reference.GetValue<string>(), out var to))
            {
                obj["reference"] = to;
            }

            foreach (var (_, child) in obj.ToList())
            {
                Rereference(child, renamed);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                Rereference(child, renamed);
            }
        }
    }

    /// <summary>The Sandbox's published key pair without its private part: what sandbox.cds-hooks.org serves.</summary>
    private static string PublicJwks()
    {
        var pair = JsonNode.Parse(File.ReadAllText(Path.Combine(Source, "keys", "jwk-keypair.json")))!;
        foreach (var key in pair["keys"]!.AsArray())
        {
            key!.AsObject().Remove("d");
        }

        return pair.ToJsonString();
    }

    /// <summary>npm ci and webpack, skipped when the same source and formulary were built before.</summary>
    private static async Task<string> BuildAsync()
    {
        var build = Path.Combine(Work, "build");
        var stamp = Path.Combine(Work, ".built-from");
        var sourceHash = SourceHash();
        if (File.Exists(Path.Combine(build, "index.html")) && File.Exists(stamp) && await File.ReadAllTextAsync(stamp) == sourceHash)
        {
            return build;
        }

        var lockHash = Hash(File.ReadAllBytes(Path.Combine(Source, "package-lock.json")));
        var modulesStamp = Path.Combine(Work, ".modules-from");
        var modulesCurrent = File.Exists(modulesStamp) && await File.ReadAllTextAsync(modulesStamp) == lockHash;
        CopySource();
        var medications = Path.Combine(Work, "src", "assets", "medication-list.js");
        var list = await File.ReadAllTextAsync(medications);
        await File.WriteAllTextAsync(medications, list.Replace("export default rxnorm;", FormularyPatch + "export default rxnorm;", StringComparison.Ordinal));

        if (!modulesCurrent)
        {
            (await Command.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Work, TimeSpan.FromMinutes(10))).EnsureSuccess();
            await File.WriteAllTextAsync(modulesStamp, lockHash);
        }

        (await Command.RunAsync("npx", ["webpack", "--config", "webpack.config.prod.js"], Work, TimeSpan.FromMinutes(10))).EnsureSuccess();
        await File.WriteAllTextAsync(stamp, sourceHash);
        return build;
    }

    /// <summary>Copies the Sandbox's source (tests/third-party) over the work folder, leaving its node_modules.</summary>
    private static void CopySource()
    {
        Directory.CreateDirectory(Work);
        foreach (var path in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Work, Path.GetRelativePath(Source, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target))
            {
                File.SetAttributes(target, FileAttributes.Normal);
            }

            File.Copy(path, target, overwrite: true);
            File.SetAttributes(target, FileAttributes.Normal); // the copy is ours to patch, the source stays as upstream shipped it
        }
    }

    private static string SourceHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(FormularyPatch));
        foreach (var path in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(Source, path)));
            hash.AppendData(File.ReadAllBytes(path));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
