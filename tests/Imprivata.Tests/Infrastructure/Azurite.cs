using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Imprivata.Storage.Tables;

namespace Imprivata.Tests.Infrastructure;

/// <summary>
/// One real Azurite (npm) per test process, in memory, on free loopback ports, stopped when the process exits.
/// Tests isolate themselves with a random table prefix rather than a fresh emulator.
/// </summary>
public static class Azurite
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly Lazy<string> ConnectionStringLazy = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static Process? _process;

    public static string ConnectionString => ConnectionStringLazy.Value;

    /// <summary>Options for a fresh, isolated set of tables.</summary>
    public static TableStorageOptions NewTables() => new()
    {
        ConnectionString = ConnectionString,
        TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12],
    };

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable("IMPRIVATA_TEST_STORAGE");
        if (!string.IsNullOrEmpty(external))
            return external;

        var azurite = RepoPaths.NodeBin("azurite");
        if (!File.Exists(azurite))
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run ./test.sh (it runs npm ci).");
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var psi = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                // In memory: this Azurite refuses --location together with --inMemoryPersistence.
                "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(),
                "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
                "--tableHost", "127.0.0.1", "--tablePort", table.ToString(),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();

        foreach (var port in new[] { blob, queue, table })
            WaitForPort(port, TimeSpan.FromSeconds(30));

        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
               $";BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1" +
               $";QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1" +
               $";TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    private static void Stop()
    {
        try
        {
            if (_process is { HasExited: false })
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode}.");
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }
}
