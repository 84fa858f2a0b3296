using System.Diagnostics;
using Imprivata.Benchmarks.Driver;

namespace Imprivata.Benchmarks.Targets;

/// <summary>oidc-provider (npm) in a node process running oidc-provider/server.mjs; killed on dispose.</summary>
public sealed class OidcProviderProcess : IDisposable
{
    private readonly Process _process;

    private OidcProviderProcess(Process process, OidcTarget target)
    {
        _process = process;
        Target = target;
    }

    public OidcTarget Target { get; }
    public int ProcessId => _process.Id;
    public string Version { get; private init; } = "?";
    public string NodeVersion { get; private init; } = "?";

    public static async Task<OidcProviderProcess> StartAsync(Uri redirectUri, string username, string password)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "Imprivata.Benchmarks", "oidc-provider", "server.mjs");
        var port = Ports.FreeTcp();
        var secret = Pkce.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            ArgumentList = { script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), "bench-client", secret, redirectUri.ToString(), username, password },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true) listening.TrySetResult(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var done = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
        if (done != listening.Task)
        {
            Kill(process);
            throw new InvalidOperationException("oidc-provider did not start: " + errors);
        }
        var target = new OidcTarget("oidc-provider", new Uri($"http://127.0.0.1:{port}/"), "bench-client", secret, redirectUri, username, password);
        return new OidcProviderProcess(process, target)
        {
            Version = PackageVersion(Path.Combine(RepoPaths.Root, "node_modules", "oidc-provider", "package.json")),
            NodeVersion = await NodeVersionAsync(),
        };
    }

    private static string PackageVersion(string packageJson)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(packageJson));
        return doc.RootElement.GetProperty("version").GetString() ?? "?";
    }

    private static async Task<string> NodeVersionAsync()
    {
        using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = (await node.StandardOutput.ReadToEndAsync()).Trim();
        await node.WaitForExitAsync();
        return version;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }
}
