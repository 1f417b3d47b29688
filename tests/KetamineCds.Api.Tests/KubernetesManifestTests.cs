using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace KetamineCds.Api.Tests;

/// <summary>
/// Renders the kustomize overlays with the real <c>kubectl kustomize</c> and checks what an operator relies on:
/// probes, a non-root read-only container, replicas, autoscaling, disruption budget, network policy, and the rule
/// pack mounted whole (every file of rules/, at the folder the service reads).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KubernetesManifestTests
{
    [Fact]
    public async Task GivenProdOverlay_WhenRendered_ThenThreeHardenedReplicasWithAutoscalerBudgetPolicyAndRulePack()
    {
        var objects = await RenderAsync("prod");
        var deployment = Single(objects, "Deployment");
        Assert.Equal("3", (string?)deployment["spec"]!["replicas"]);
        AssertHardenedContainer(deployment);
        AssertRulePackMounted(objects, deployment);

        var autoscaler = Single(objects, "HorizontalPodAutoscaler");
        Assert.Equal("ketamine-cds", (string?)autoscaler["spec"]!["scaleTargetRef"]!["name"]);
        Assert.True(int.Parse((string)autoscaler["spec"]!["minReplicas"]!, System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Equal("cpu", (string?)autoscaler["spec"]!["metrics"]![0]!["resource"]!["name"]);

        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var budget = Single(objects, "PodDisruptionBudget");
        Assert.Equal("2", (string?)budget["spec"]!["minAvailable"]);
        AssertSelects(budget["spec"]!["selector"]!["matchLabels"]!.AsObject(), podLabels);

        var policy = Single(objects, "NetworkPolicy");
        AssertSelects(policy["spec"]!["podSelector"]!["matchLabels"]!.AsObject(), podLabels);
        var callers = policy["spec"]!["ingress"]!.AsArray().SelectMany(rule => rule!["from"]!.AsArray())
            .Select(from => (string?)from!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]).ToList();
        Assert.Equal(["ehr", "monitoring"], callers);
        Assert.Contains(policy["spec"]!["egress"]!.AsArray(), rule => rule!["ports"]!.AsArray().Any(p => (string?)p!["port"] == "5432"));

        // Prometheus scrapes /metrics with the admin key; the alert rules cover errors, latency, circuit, reloads.
        var monitor = Single(objects, "ServiceMonitor");
        Assert.Equal("/metrics", (string?)monitor["spec"]!["endpoints"]![0]!["path"]);
        Assert.Equal("ketamine-cds-admin", (string?)monitor["spec"]!["endpoints"]![0]!["authorization"]!["credentials"]!["name"]);
        var alerts = Single(objects, "PrometheusRule")["spec"]!["groups"]![0]!["rules"]!.AsArray().Select(r => (string)r!["alert"]!).ToList();
        Assert.Contains("KetamineCdsErrorRate", alerts);
        Assert.Contains("KetamineCdsSlowAnswers", alerts);
        Assert.Contains("KetamineCdsFhirCircuitOpen", alerts);
        Assert.Contains("KetamineCdsRulePackReloadRejected", alerts);
        Assert.Contains("KetamineCdsStoreDegraded", alerts);
        Assert.Contains("KetamineCdsAuditUnrecordedAfterCrash", alerts);

        // The store is PostgreSQL from a Secret made out of band; settings come from the overlay's ConfigMap.
        var env = Env(deployment);
        Assert.Equal("ketamine-cds-store", (string?)env["Store__ConnectionString"]!["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("ketamine-cds-audit", (string?)env["Store__AuditHashKey"]!["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "Secret");
        var settingsName = (string?)Container(deployment)["envFrom"]![0]!["configMapRef"]!["name"];
        var settings = objects.Single(o => (string?)o["kind"] == "ConfigMap" && (string?)o["metadata"]!["name"] == settingsName);
        Assert.Equal("Production", (string?)settings["data"]!["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("true", (string?)settings["data"]!["Auth__Enabled"]);
    }

    [Fact]
    public async Task GivenDevOverlay_WhenRendered_ThenOneReplicaWithSqliteOnAPersistentVolume()
    {
        var objects = await RenderAsync("dev");
        var deployment = Single(objects, "Deployment");
        Assert.Equal("1", (string?)deployment["spec"]!["replicas"]);
        Assert.Equal("Recreate", (string?)deployment["spec"]!["strategy"]!["type"]);
        AssertHardenedContainer(deployment);
        AssertRulePackMounted(objects, deployment);

        var claim = Single(objects, "PersistentVolumeClaim");
        var data = Volumes(deployment).Single(v => (string?)v!["name"] == "data");
        Assert.Equal((string?)claim["metadata"]!["name"], (string?)data!["persistentVolumeClaim"]!["claimName"]);
        Assert.Null(data["emptyDir"]);
        Assert.Contains(Container(deployment)["volumeMounts"]!.AsArray(), m => (string?)m!["name"] == "data" && (string?)m["mountPath"] == "/app/data");
        var store = objects.Single(o => (string?)o["kind"] == "Secret" && (string?)o["metadata"]!["name"] == "ketamine-cds-store");
        Assert.Equal("Data Source=/app/data/ketamine-cds.db", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)store["data"]!["connectionString"]!)));
    }

    private static void AssertHardenedContainer(JsonNode deployment)
    {
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.Equal("true", (string?)pod["securityContext"]!["runAsNonRoot"]);
        Assert.NotEqual("0", (string?)pod["securityContext"]!["runAsUser"]);
        var container = Container(deployment);
        Assert.Equal("false", (string?)container["securityContext"]!["allowPrivilegeEscalation"]);
        Assert.Equal("true", (string?)container["securityContext"]!["readOnlyRootFilesystem"]);
        Assert.Equal("ALL", (string?)container["securityContext"]!["capabilities"]!["drop"]![0]);
        Assert.Equal("/health/live", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/health/ready", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("8080", (string?)container["ports"]![0]!["containerPort"]);
        Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);

        // Drain and audit flush must end before the kubelet's SIGKILL: preStop pause + shutdown budget < grace period.
        var grace = int.Parse((string)pod["terminationGracePeriodSeconds"]!, System.Globalization.CultureInfo.InvariantCulture);
        var preStop = int.Parse((string)container["lifecycle"]!["preStop"]!["sleep"]!["seconds"]!, System.Globalization.CultureInfo.InvariantCulture);
        var shutdown = int.Parse((string)Env(deployment)["Shutdown__TimeoutSeconds"]!["value"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(preStop + shutdown < grace, $"preStop {preStop} s + shutdown {shutdown} s must be under the grace period {grace} s");
    }

    private static void AssertRulePackMounted(IReadOnlyList<JsonNode> objects, JsonNode deployment)
    {
        var rulesPath = (string?)Env(deployment)["Rules__Path"]!["value"];
        var mount = Container(deployment)["volumeMounts"]!.AsArray().Single(m => (string?)m!["mountPath"] == rulesPath)!;
        Assert.Equal("true", (string?)mount["readOnly"]);
        Assert.Null(mount["subPath"]); // subPath mounts never see ConfigMap updates, and live reload needs them
        var volume = Volumes(deployment).Single(v => (string?)v!["name"] == (string?)mount["name"])!;

        var projected = new Dictionary<string, string>();
        foreach (var source in volume["projected"]!["sources"]!.AsArray())
        {
            var name = (string)source!["configMap"]!["name"]!;
            var configMap = objects.Single(o => (string?)o["kind"] == "ConfigMap" && (string?)o["metadata"]!["name"] == name);
            var data = configMap["data"]!.AsObject();
            Assert.True(data.Sum(d => ((string?)d.Value)?.Length ?? 0) < 1_000_000, $"{name} is near the 1 MiB ConfigMap limit");
            foreach (var item in source["configMap"]!["items"]!.AsArray())
            {
                var content = (string?)data[(string)item!["key"]!];
                Assert.NotNull(content);
                projected[(string)item["path"]!] = content;
            }
        }

        var rules = Path.Combine(Repository.Root, "rules");
        var expected = Directory.EnumerateFiles(rules, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(rules, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("tools/", StringComparison.Ordinal) && f is not ("README.md" or "kustomization.yaml"))
            .Order(StringComparer.Ordinal)
            .ToList();
        // A file added to rules/ without re-running deploy/k8s/sync-rules.py would be missing in the cluster.
        Assert.Equal(expected, projected.Keys.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(File.ReadAllText(Path.Combine(rules, "pack.yaml")), projected["pack.yaml"]);
    }

    private static void AssertSelects(JsonObject selector, JsonObject labels) =>
        Assert.All(selector, pair => Assert.Equal((string?)pair.Value, (string?)labels[pair.Key]));

    private static JsonNode Single(IReadOnlyList<JsonNode> objects, string kind) => Assert.Single(objects, o => (string?)o["kind"] == kind);

    private static JsonNode Container(JsonNode deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;

    private static JsonArray Volumes(JsonNode deployment) => deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray();

    private static Dictionary<string, JsonNode> Env(JsonNode deployment) =>
        Container(deployment)["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!);

    private static async Task<IReadOnlyList<JsonNode>> RenderAsync(string overlay)
    {
        var rendered = (await Command.RunAsync("kubectl", ["kustomize", Path.Combine(Repository.Root, "deploy", "k8s", "overlays", overlay)])).EnsureSuccess();

        // YAML → JSON: scalars stay strings, which is all these checks need.
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var parser = new Parser(new StringReader(rendered.Output));
        parser.Consume<StreamStart>();
        var objects = new List<JsonNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            objects.Add(JsonNode.Parse(json.Serialize(deserializer.Deserialize<object>(parser)))!);
        }

        return objects;
    }
}
