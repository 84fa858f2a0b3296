using System.Reflection;
using System.Text.Json;

namespace Imprivata.Functions.Tests.Infra;

/// <summary>
/// Compiles and lints infra/main.bicep with the Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64).
/// infra/bicepconfig.json raises every linter rule to error; the test also refuses any diagnostic on stderr.
/// </summary>
public class BicepTests
{
    private static readonly Lazy<string> Bicep = new(Locate);

    private static string MainBicep => Path.Combine(RepoPaths.Root, "infra", "main.bicep");

    private static string Locate()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The Bicep CLI package referenced is linux-x64.");
        var package = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepCliPackagePath").Value;
        Assert.False(string.IsNullOrEmpty(package), "The Bicep CLI package path was not captured at build time.");
        var bicep = Path.Combine(package!, "tools", "bicep");
        Assert.True(File.Exists(bicep), $"Bicep CLI not found at {bicep}.");
        if ((File.GetUnixFileMode(bicep) & UnixFileMode.UserExecute) != 0)
            return bicep;
        // NuGet may extract without the execute bit: run a private executable copy.
        var copy = Path.Combine(Path.GetTempPath(), "imprivata-bicep-" + new FileInfo(bicep).Length, "bicep");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        if (!File.Exists(copy))
            File.Copy(bicep, copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return copy;
    }

    private static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRun.RunAsync(Bicep.Value, arguments, RepoPaths.Root, new Dictionary<string, string>
        {
            // Local only: no telemetry, no registry or update checks.
            ["BICEP_TELEMETRY_ENABLED"] = "false",
            ["BICEP_TRACING_ENABLED"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        });

    [Fact]
    public async Task Lint_MainBicep_NoDiagnostics()
    {
        var result = await RunAsync("lint", MainBicep);

        Assert.True(result.ExitCode == 0 && result.StdErr.Trim().Length == 0, $"exit {result.ExitCode}: {result.StdErr}{result.StdOut}");
    }

    [Fact]
    public async Task Build_MainBicep_FlexConsumptionCustomRuntime()
    {
        var result = await RunAsync("build", MainBicep, "--stdout");

        Assert.True(result.ExitCode == 0 && result.StdErr.Trim().Length == 0, $"exit {result.ExitCode}: {result.StdErr}");
        using var template = JsonDocument.Parse(result.StdOut);
        var resources = template.RootElement.GetProperty("resources");
        var resourceList = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value).ToList()
            : resources.EnumerateArray().ToList();
        var site = resourceList.Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites");
        var config = site.GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        Assert.Equal("custom", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("http", config.GetProperty("scaleAndConcurrency").GetProperty("alwaysReady")[0].GetProperty("name").GetString());
        var plan = resourceList.Single(r => r.GetProperty("type").GetString() == "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        var keys = resourceList.Where(r => r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults/keys")
            .Select(r => r.GetProperty("properties")).ToList();
        Assert.Equal(2, keys.Count);
        // One key, one purpose: the signing key signs, the key-encryption key only wraps (ARCHITECTURE: KEK in Key Vault).
        Assert.Single(keys, k => k.GetProperty("keySize").GetInt32() == 2048 && Ops(k) == "sign verify");
        Assert.Single(keys, k => k.GetProperty("keySize").GetInt32() == 3072 && Ops(k) == "unwrapKey wrapKey");
        Assert.Contains("Imprivata__KeyVaultWrapKeyName", site.GetRawText());
        Assert.Equal(4, resourceList.Count(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments"));
    }

    private static string Ops(JsonElement key) => string.Join(' ', key.GetProperty("keyOps").EnumerateArray().Select(o => o.GetString()).Order(StringComparer.Ordinal));

    [Fact]
    public async Task Lint_WarningLevelFinding_FailsAsError()
    {
        // Proves the configuration turns linter findings into failures: an unused parameter next to the real config.
        var dir = Directory.CreateTempSubdirectory("bicep-lint-").FullName;
        try
        {
            File.Copy(Path.Combine(RepoPaths.Root, "infra", "bicepconfig.json"), Path.Combine(dir, "bicepconfig.json"));
            await File.WriteAllTextAsync(Path.Combine(dir, "bad.bicep"), "param unused string\n");

            var result = await RunAsync("lint", Path.Combine(dir, "bad.bicep"));

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("no-unused-params", result.StdErr + result.StdOut);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
