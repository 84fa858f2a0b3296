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

    [Fact]
    public void Zip_OurAssemblies_AreReadyToRun()
    {
        using var zip = Open();
        var ours = OurAssemblies(zip).ToList();
        var plainIl = new List<string>();
        foreach (var (name, image) in ours)
        {
            using var pe = new PEReader(new MemoryStream(image));
            // A ReadyToRun image carries its precompiled code under the CLI header's ManagedNativeHeader (ECMA-335 II.25.3.3).
            if (pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size == 0)
                plainIl.Add(name);
        }

        Assert.Contains(ours, a => a.Name == "Imprivata.Functions.dll");
        Assert.Empty(plainIl);
    }

    [Fact]
    public void Zip_NoDemoAssembly()
    {
        using var zip = Open();

        var demo = AppEntries(zip).Select(e => e.Name)
            .Where(n => n.StartsWith("Imprivata.", StringComparison.Ordinal) && (n.Contains("Demo", StringComparison.OrdinalIgnoreCase) || n.Contains("Sample", StringComparison.OrdinalIgnoreCase)))
            .ToList();

        Assert.Empty(demo);
    }

    [Fact]
    public void Zip_OurAssemblies_ContainNoDemoTypes()
    {
        using var zip = Open();
        var demoTypes = new List<string>();
        foreach (var (name, image) in OurAssemblies(zip))
        {
            using var pe = new PEReader(new MemoryStream(image));
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var type = metadata.GetTypeDefinition(handle);
                var ns = metadata.GetString(type.Namespace);
                var typeName = metadata.GetString(type.Name);
                if (ns.StartsWith("Imprivata.Functions.Sample", StringComparison.Ordinal) || ns.StartsWith("Imprivata.Demo", StringComparison.Ordinal)
                    || typeName is "DemoSeed" or "SampleRelyingParty" or "SampleClient")
                    demoTypes.Add($"{name}: {ns}.{typeName}");
            }
        }

        Assert.Empty(demoTypes);
    }

    /// <summary>
    /// The demo (functions/Imprivata.Demo) alone maps /sample and reads Imprivata:Demo:*: route templates and configuration
    /// keys are string literals, and the #US heap holds every one.
    /// </summary>
    [Fact]
    public void Zip_OurAssemblies_HoldNoDemoRouteOrSetting()
    {
        using var zip = Open();
        var found = new List<string>();
        foreach (var (name, image) in OurAssemblies(zip))
        {
            using var pe = new PEReader(new MemoryStream(image));
            var metadata = pe.GetMetadataReader();
            for (var handle = MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = metadata.GetNextHandle(handle))
            {
                var literal = metadata.GetUserString(handle);
                if (literal.StartsWith("/sample", StringComparison.OrdinalIgnoreCase) || literal.Contains("Imprivata:Demo", StringComparison.OrdinalIgnoreCase))
                    found.Add($"{name}: {literal}");
            }
        }

        Assert.Empty(found);
    }

    private static IEnumerable<ZipArchiveEntry> AppEntries(ZipArchive zip) =>
        zip.Entries.Where(e => e.FullName.StartsWith("app/", StringComparison.Ordinal) && e.FullName.IndexOf('/', 4) < 0);

    /// <summary>Our own assemblies in the package, copied to memory (PEReader needs to seek; zip entry streams do not).</summary>
    private static IEnumerable<(string Name, byte[] Image)> OurAssemblies(ZipArchive zip)
    {
        foreach (var entry in AppEntries(zip).Where(e => e.Name.StartsWith("Imprivata.", StringComparison.Ordinal) && e.Name.EndsWith(".dll", StringComparison.Ordinal)))
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            yield return (entry.Name, copy.ToArray());
        }
    }
}
