using System.Text.Json;

namespace Imprivata.Functions.Tests.Infra;

/// <summary>
/// deploy.sh without Azure: its dry run (every command printed, none run), its refusals, and that what it passes to and reads
/// from infra/main.bicep exists in the compiled template. Fake az and dotnet on PATH record any call, so "runs nothing" is checked.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployScriptTests : IDisposable
{
    private readonly string _tools = Directory.CreateTempSubdirectory("imprivata-deploy-tools-").FullName;

    private string Calls => Path.Combine(_tools, "calls");

    public void Dispose() => Directory.Delete(_tools, recursive: true);

    private void FakeTool(string name, int exitCode)
    {
        var path = Path.Combine(_tools, name);
        File.WriteAllText(path, $"#!/bin/sh\necho \"{name} $*\" >> \"{Calls}\"\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private void LinkSystemTool(string name)
    {
        var real = new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, name)).First(File.Exists);
        File.CreateSymbolicLink(Path.Combine(_tools, name), real);
    }

    private Task<ProcessResult> DeployAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var env = new Dictionary<string, string>
        {
            ["AZURE_RESOURCE_GROUP"] = "",
            ["AZURE_LOCATION"] = "",
            ["IMPRIVATA_NAME_PREFIX"] = "",
            ["IMPRIVATA_PUBLIC_BASE_URL"] = "",
            // Only our fakes come first; a real az elsewhere on PATH is shadowed.
            ["PATH"] = _tools + ":" + Environment.GetEnvironmentVariable("PATH"),
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            env[key] = value;
        return ProcessRun.RunAsync("/bin/bash", [Path.Combine(RepoPaths.Root, "deploy.sh"), .. arguments], RepoPaths.Root, env);
    }

    private Task<ProcessResult> DryRunAsync() =>
        DeployAsync(null, "--dry-run", "-g", "rg-imp", "-l", "westeurope", "-n", "imptest", "-u", "https://login.example.org/");

    private static List<string[]> Commands(ProcessResult result) =>
        result.StdOut.Split('\n').Where(l => l.StartsWith("+ ", StringComparison.Ordinal)).Select(l => l[2..].Split(' ')).ToList();

    private static int IndexOf(List<string[]> commands, params string[] prefix) =>
        commands.FindIndex(c => c.Take(prefix.Length).SequenceEqual(prefix));

    [Fact]
    public async Task DryRun_PrintsEveryStepInOrder_RunsNothing()
    {
        FakeTool("az", 0);
        FakeTool("dotnet", 0);

        var result = await DryRunAsync();

        Assert.True(result.ExitCode == 0, result.StdErr);
        var commands = Commands(result);
        var login = IndexOf(commands, "az", "account", "show");
        var package = IndexOf(commands, "./package.sh", "artifacts/imprivata-functions.zip");
        var group = IndexOf(commands, "az", "group", "create", "--name", "rg-imp", "--location", "westeurope");
        var infra = IndexOf(commands, "az", "deployment", "group", "create", "--resource-group", "rg-imp");
        var upload = IndexOf(commands, "az", "functionapp", "deployment", "source", "config-zip", "--resource-group", "rg-imp");
        Assert.True(login >= 0 && login < package && package < group && group < infra && infra < upload, string.Join('\n', commands.Select(c => string.Join(' ', c))));
        Assert.Contains("infra/main.bicep", commands[infra]);
        Assert.Equal(["--src", "artifacts/imprivata-functions.zip"], commands[upload][^2..]);
        Assert.False(File.Exists(Calls), File.Exists(Calls) ? File.ReadAllText(Calls) : "");
    }

    [Fact]
    public async Task DryRun_Parameters_AreTheTemplatesAndCoverItsRequiredOnes()
    {
        var result = await DryRunAsync();
        using var template = await BicepCli.MainTemplateAsync();

        var infra = Commands(result).Single(c => c.Take(4).SequenceEqual(["az", "deployment", "group", "create"]));
        var passed = infra.SkipWhile(a => a != "--parameters").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var parameters = template.RootElement.GetProperty("parameters").EnumerateObject().ToList();

        Assert.Empty(passed.Keys.Except(parameters.Select(p => p.Name)));
        Assert.Empty(parameters.Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Name).Except(passed.Keys));
        Assert.Equal("imptest", passed["namePrefix"]);
        Assert.Equal("https://login.example.org", passed["publicBaseUrl"]);
        Assert.True(passed.ContainsKey("deployerPrincipalId"));
    }

    [Fact]
    public async Task DryRun_OutputsRead_AreTheTemplates()
    {
        var result = await DryRunAsync();
        using var template = await BicepCli.MainTemplateAsync();
        var outputs = template.RootElement.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToHashSet();

        var read = Commands(result).Where(c => c.Take(4).SequenceEqual(["az", "deployment", "group", "show"]))
            .Select(c => c[Array.IndexOf(c, "--query") + 1]).ToList();

        Assert.Equal(8, read.Count);
        Assert.All(read, q => Assert.Matches(@"^properties\.outputs\.\w+\.value$", q));
        Assert.All(read, q => Assert.Contains(q.Split('.')[2], outputs));
    }

    [Fact]
    public async Task DryRun_Summary_NamesTheUrlsAndTheSetupSecret()
    {
        var result = await DryRunAsync();

        Assert.Contains("OIDC discovery:  <publicBaseUrl>/.well-known/openid-configuration", result.StdOut);
        Assert.Contains("Admin console:   <publicBaseUrl>/console", result.StdOut);
        Assert.Contains("Key Vault '<keyVaultName>', secret '<setupSecretName>'", result.StdOut);
        Assert.Contains("az keyvault secret show --vault-name <keyVaultName> --name <setupSecretName> --query value -o tsv", result.StdOut);
        Assert.Contains("az servicebus namespace authorization-rule keys list --resource-group rg-imp --namespace-name <serviceBusName> --name <radiusEdgeRuleName> " +
            "--query primaryConnectionString -o tsv", result.StdOut);
    }

    [Fact]
    public async Task DryRun_SettingsFromTheEnvironment_LikeFlags()
    {
        var result = await DeployAsync(new Dictionary<string, string>
        {
            ["AZURE_RESOURCE_GROUP"] = "rg-env",
            ["AZURE_LOCATION"] = "swedencentral",
            ["IMPRIVATA_NAME_PREFIX"] = "impenv",
        }, "--dry-run");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var infra = Commands(result).Single(c => c.Take(4).SequenceEqual(["az", "deployment", "group", "create"]));
        Assert.Contains("rg-env", infra);
        Assert.Contains("namePrefix=impenv", infra);
        Assert.Contains("location=swedencentral", infra);
        // No public base URL given: the template falls back to the app's own host name.
        Assert.DoesNotContain(infra, a => a.StartsWith("publicBaseUrl=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("resource group", "-l", "westeurope", "-n", "imptest")]
    [InlineData("location", "-g", "rg", "-n", "imptest")]
    [InlineData("name prefix", "-g", "rg", "-l", "westeurope", "-n", "Imp-Test")]
    [InlineData("name prefix", "-g", "rg", "-l", "westeurope", "-n", "ab")]
    [InlineData("https origin", "-g", "rg", "-l", "westeurope", "-n", "imptest", "-u", "http://login.example.org")]
    [InlineData("https origin", "-g", "rg", "-l", "westeurope", "-n", "imptest", "-u", "https://login.example.org/path")]
    [InlineData("unknown argument", "-g", "rg", "-l", "westeurope", "-n", "imptest", "--force")]
    public async Task BadArguments_RefusedWithAReason_NothingRun(string reason, params string[] arguments)
    {
        FakeTool("az", 0);
        FakeTool("dotnet", 0);

        var result = await DeployAsync(null, ["--dry-run", .. arguments]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(reason, result.StdErr);
        Assert.Empty(Commands(result));
        Assert.False(File.Exists(Calls));
    }

    [Fact]
    public async Task NoAzCli_RefusedBeforeAnything()
    {
        // A PATH with only what the script itself needs: no az, whatever this machine has installed.
        LinkSystemTool("dirname");
        LinkSystemTool("sed");
        FakeTool("dotnet", 0);

        var result = await DeployAsync(new Dictionary<string, string> { ["PATH"] = _tools }, "-g", "rg", "-l", "westeurope", "-n", "imptest");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Azure CLI (az) is not installed", result.StdErr);
        Assert.False(File.Exists(Calls));
    }

    [Fact]
    public async Task NotLoggedIn_AsksForAzLogin_BuildsNothing()
    {
        FakeTool("az", 1);
        FakeTool("dotnet", 0);

        var result = await DeployAsync(null, "-g", "rg", "-l", "westeurope", "-n", "imptest");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("az login", result.StdErr);
        Assert.Equal(["az account show --query name -o tsv"], File.ReadAllLines(Calls));
    }
}
