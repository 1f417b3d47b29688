using System.Text.Json;

namespace KetamineCds.Api.Tests;

/// <summary>
/// The rule pack as Kubernetes mounts a ConfigMap: timestamped folders, a <c>..data</c> symlink, and top-level
/// symlinks through it. The kubelet updates it by writing a new folder and renaming a new <c>..data</c> link over
/// the old one; the service must see that swap and reload, or live reload would not work in a cluster.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConfigMapReloadTests : IDisposable
{
    private readonly RulePackCopy _source = new();
    private readonly string _mount = Path.Combine(Path.GetTempPath(), "ketamine-cds-configmap", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Directory.Delete(_mount, recursive: true);
        _source.Dispose();
    }

    [Fact]
    public async Task GivenConfigMapVolume_WhenKubeletSwapsItsDataLink_ThenTheEditedPackGoesLive()
    {
        Directory.CreateDirectory(_mount);
        WriteVersion("..2026_11_26_10_00_00.0001");
        File.CreateSymbolicLink(Path.Combine(_mount, "..data"), "..2026_11_26_10_00_00.0001");
        foreach (var entry in new DirectoryInfo(_source.Folder).EnumerateFileSystemInfos())
        {
            File.CreateSymbolicLink(Path.Combine(_mount, entry.Name), Path.Combine("..data", entry.Name));
        }

        await using var app = new ConfiguredApplication(new Dictionary<string, string?>
        {
            ["Rules:Path"] = _mount,
            ["Rules:ReloadDebounceMilliseconds"] = "200",
        });
        var client = app.CreateClient();
        Assert.Equal(Repository.ShippedPackVersion, await LiveVersionAsync(client));

        // The kubelet's atomic update: new timestamped folder, new link, rename over ..data, old folder removed.
        _source.SetPackVersion("1.0.1");
        WriteVersion("..2026_11_26_10_05_00.0002");
        File.CreateSymbolicLink(Path.Combine(_mount, "..data_tmp"), "..2026_11_26_10_05_00.0002");
        // rename(2) of the link over the old one, as the kubelet does (File.Move follows a link to a folder).
        (await Command.RunAsync("mv", ["-T", Path.Combine(_mount, "..data_tmp"), Path.Combine(_mount, "..data")])).EnsureSuccess();
        Directory.Delete(Path.Combine(_mount, "..2026_11_26_10_00_00.0001"), recursive: true);

        await Eventually.UntilAsync(async () => await LiveVersionAsync(client) == "1.0.1", "the ConfigMap update going live");
    }

    private void WriteVersion(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(_source.Folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_mount, folder, Path.GetRelativePath(_source.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task<string?> LiveVersionAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync(new Uri("/admin/rules", UriKind.Relative))).RootElement
            .GetProperty("live").GetProperty("version").GetString();
}
