using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Imprivata.Functions.Tests.Infra;

/// <summary>Runs package.sh once (a self-contained publish) and inspects the deployment zip.</summary>
public sealed class PackageFixture : IAsyncLifetime
{
    public string ZipPath { get; } = Path.Combine(Path.GetTempPath(), "imprivata-package-test-" + Guid.NewGuid().ToString("N"), "app.zip");
    public ProcessResult Result { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Result = await ProcessRun.RunAsync("bash", [Path.Combine(RepoPaths.Root, "package.sh"), ZipPath], RepoPaths.Root);

    public Task DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(ZipPath)!, recursive: true);
        return Task.CompletedTask;
    }
}

public class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    private ZipArchive Open()
    {
        Assert.True(package.Result.ExitCode == 0, package.Result.StdErr + package.Result.StdOut);
        return ZipFile.OpenRead(package.ZipPath);
    }

    [Fact]
    public void Zip_HostJsonAtRoot_IsCustomHandlerPointingAtPackagedBinary()
    {
        using var zip = Open();
        var entry = zip.GetEntry("host.json");
        Assert.NotNull(entry);
        using var json = JsonDocument.Parse(entry.Open());

        var root = json.RootElement;
        Assert.Equal("2.0", root.GetProperty("version").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableProxyingHttpRequest").GetBoolean());
        var executable = handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
        Assert.NotNull(zip.GetEntry(executable));
        Assert.Equal("", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("none", root.GetProperty("extensions").GetProperty("queues").GetProperty("messageEncoding").GetString());
    }

    [Fact]
    public void Zip_EveryFunctionFolder_HasItsFunctionJsonAtRoot()
    {
        using var zip = Open();
        var functions = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "functions", "Imprivata.Functions", "FunctionApp")).Select(Path.GetFileName).ToList();

        Assert.NotEmpty(functions);
        foreach (var name in functions)
        {
            var entry = zip.GetEntry($"{name}/function.json");
            Assert.True(entry is not null, $"{name}/function.json missing");
            using var json = JsonDocument.Parse(entry.Open());
            Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("bindings").ValueKind);
        }
    }

    [Fact]
    public void Zip_Executable_KeepsMode0755()
    {
        using var zip = Open();
        using var host = JsonDocument.Parse(zip.GetEntry("host.json")!.Open());
        var executable = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;

        // Unix zips keep st_mode in the high 16 bits of the external attributes.
        var mode = (zip.GetEntry(executable)!.ExternalAttributes >> 16) & 0x1FF;

        Assert.Equal(0x1ED, mode & 0x1ED); // 0755
    }

    /// <summary>
    /// The demo (a seed that writes passwords to files, the sample app, the LAN certificates) is functions/Imprivata.Demo and
    /// never ships: no assembly of it, and no type, route or setting of it compiled into the app.
    /// </summary>
    [Fact]
    public void Zip_App_HoldsNoDemoCode()
    {
        using var zip = Open();
        Assert.DoesNotContain(zip.Entries, e => e.Name.StartsWith("Imprivata.Demo", StringComparison.OrdinalIgnoreCase));

        using var dll = new MemoryStream();
        using (var entry = zip.GetEntry("app/Imprivata.Functions.dll")!.Open())
            entry.CopyTo(dll);
        dll.Position = 0;
        using var pe = new PEReader(dll);
        var metadata = pe.GetMetadataReader();

        var demoTypes = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition)
            .Select(t => metadata.GetString(t.Namespace) + "." + metadata.GetString(t.Name))
            .Where(name => name.StartsWith("Imprivata.Demo.", StringComparison.Ordinal) || name.StartsWith("Imprivata.Functions.Sample.", StringComparison.Ordinal));
        Assert.Empty(demoTypes);
        // Route templates and configuration keys are string literals: the #US heap holds every one.
        var literals = new List<string>();
        for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
            literals.Add(metadata.GetUserString(handle));
        Assert.NotEmpty(literals);
        Assert.DoesNotContain(literals, l => l.StartsWith("/sample", StringComparison.OrdinalIgnoreCase) || l.Contains("Imprivata:Demo", StringComparison.OrdinalIgnoreCase));
    }
}
