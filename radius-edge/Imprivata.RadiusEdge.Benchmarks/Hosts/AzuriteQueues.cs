using System.Diagnostics;

namespace Imprivata.RadiusEdge.Benchmarks.Hosts;

/// <summary>
/// A private Azurite queue service (npm, in memory) on a free loopback port, as the edge's tests start it; stopped on
/// dispose. --skipApiVersionCheck: Azure.Storage.Queues sends a newer x-ms-version than this Azurite knows.
/// </summary>
public sealed class AzuriteQueues : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private AzuriteQueues(Process process, int port)
    {
        _process = process;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
                           $";QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteQueues> StartAsync()
    {
        var azurite = RepoPaths.NodeBin("azurite-queue");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run npm ci at the repository root.");
        var port = Ports.FreeTcp();
        var psi = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                "--queueHost", "127.0.0.1", "--queuePort", port.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = ChildProcesses.Track(Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start."));
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Ports.WaitForTcpAsync(port, TimeSpan.FromSeconds(30), () => process.HasExited);
        return new AzuriteQueues(process, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
