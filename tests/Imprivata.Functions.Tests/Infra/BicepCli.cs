using System.Reflection;
using System.Text.Json;

namespace Imprivata.Functions.Tests.Infra;

/// <summary>
/// The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64), run locally with telemetry off, and the compiled
/// infra/main.bicep (built once per test run).
/// </summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Locate);
    private static readonly Lazy<Task<string>> MainTemplateJson = new(BuildMainAsync);

    public static string MainBicep => Path.Combine(RepoPaths.Root, "infra", "main.bicep");

    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRun.RunAsync(Executable.Value, arguments, RepoPaths.Root, new Dictionary<string, string>
        {
            // Local only: no telemetry, no registry or update checks.
            ["BICEP_TELEMETRY_ENABLED"] = "false",
            ["BICEP_TRACING_ENABLED"] = "false",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        });

    /// <summary>The ARM JSON of infra/main.bicep; a fresh document per call (callers dispose it).</summary>
    public static async Task<JsonDocument> MainTemplateAsync() => JsonDocument.Parse(await MainTemplateJson.Value);

    /// <summary>Every resource of a compiled template (languageVersion 2.0 keys them by symbolic name, 1.0 lists them).</summary>
    public static IReadOnlyList<JsonElement> Resources(JsonDocument template)
    {
        var resources = template.RootElement.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value).ToList()
            : resources.EnumerateArray().ToList();
    }

    public static IReadOnlyList<JsonElement> OfType(JsonDocument template, string type) =>
        Resources(template).Where(r => r.GetProperty("type").GetString() == type).ToList();

    private static async Task<string> BuildMainAsync()
    {
        var result = await RunAsync("build", MainBicep, "--stdout");
        Assert.True(result.ExitCode == 0 && result.StdErr.Trim().Length == 0, $"bicep build: exit {result.ExitCode}: {result.StdErr}");
        return result.StdOut;
    }

    private static string Locate()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The Bicep CLI package referenced is linux-x64.");
        var package = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
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
}
