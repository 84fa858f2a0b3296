using System.Diagnostics;

namespace Imprivata.Testing;

/// <summary>
/// A private Azurite (npm) in memory on free loopback ports, for tests and benchmarks. --skipApiVersionCheck:
/// Azure.Storage.Queues 12.28 sends a newer x-ms-version than this Azurite knows; --loose accepts SDK headers it ignores.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private AzuriteProcess(Process process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Blob, queue and table services (the backend).</summary>
    public static Task<AzuriteProcess> StartAllAsync() => StartAsync("azurite", ["blob", "queue", "table"]);

    /// <summary>The queue service only (the RADIUS edge's bridge).</summary>
    public static Task<AzuriteProcess> StartQueuesAsync() => StartAsync("azurite-queue", ["queue"]);

    private static async Task<AzuriteProcess> StartAsync(string tool, string[] services)
    {
        var azurite = RepoPaths.NodeBin(tool);
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run ./test.sh (it runs npm ci).");
        var psi = new ProcessStartInfo(azurite) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // ProcessExit handlers do not run when the test host is killed (dotnet test ends it that way at times), so Azurite
        // also watches its parent itself: node preloads a few lines that exit once the parent is gone.
        psi.Environment["NODE_OPTIONS"] = $"--require \"{ExitWithParentScript.Value}\"";
        foreach (var arg in new[] { "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose" })
            psi.ArgumentList.Add(arg);
        var ports = services.ToDictionary(s => s, _ => Ports.FreeTcp());
        foreach (var (service, port) in ports)
        {
            psi.ArgumentList.Add($"--{service}Host");
            psi.ArgumentList.Add("127.0.0.1");
            psi.ArgumentList.Add($"--{service}Port");
            psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (var port in ports.Values)
            await Ports.WaitForTcpAsync(port, TimeSpan.FromSeconds(90), () => process.HasExited);
        var endpoints = string.Concat(ports.Select(p =>
            $";{char.ToUpperInvariant(p.Key[0])}{p.Key[1..]}Endpoint=http://127.0.0.1:{p.Value}/devstoreaccount1"));
        return new AzuriteProcess(process, "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey + endpoints + ";");
    }

    // Node re-parents an orphan to init (or a subreaper): its ppid changes. Checked every second; unref() keeps the timer
    // from holding Azurite open by itself.
    private static readonly Lazy<string> ExitWithParentScript = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "imprivata-exit-with-parent.cjs");
        // Test processes start in parallel: each writes its own copy, then renames it over the shared name (atomic), so
        // no node ever reads a half-written file.
        var own = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(own, "const parent = process.ppid;\nsetInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();\n");
        File.Move(own, path, overwrite: true);
        return path;
    });

    /// <summary>For process-wide instances: kill it when the process exits.</summary>
    public AzuriteProcess StopOnProcessExit()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
        return this;
    }

    /// <summary>The Azurite process itself (e.g. for a benchmark's CPU accounting).</summary>
    public Process Process => _process;

    private void Kill()
    {
        try
        {
            // Not entireProcessTree: on Linux that first SIGSTOPs the process, then looks for children, then kills; a test host
            // that ends in between (ProcessExit runs this at its very end) leaves Azurite stopped for good, where not even
            // its parent watcher runs. Azurite starts no children.
            if (!_process.HasExited)
                _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
