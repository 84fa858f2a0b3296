using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Imprivata.Benchmarks.Radius;

/// <summary>
/// The built RADIUS edge (radius-edge/Imprivata.RadiusEdge, Release; bench.sh builds it) as a process of its own, configured
/// through environment variables as a deployment would be: UDP on a free loopback port, the Storage Queues bridge on the
/// backend's request queue in Azurite, passwords sealed to the backend's key, one client entry for 127.0.0.1. Its own
/// process, so its CPU is read apart from the backend's.
/// </summary>
public sealed class EdgeProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private EdgeProcess(Process process, string folder, string edgeId, int port)
    {
        _process = process;
        _folder = folder;
        EdgeId = edgeId;
        Port = port;
    }

    public string EdgeId { get; }
    public int Port { get; }
    public int ProcessId => _process.Id;
    public Process Process => _process;

    public static string Dll => Path.Combine(RepoPaths.Root, "radius-edge", "Imprivata.RadiusEdge", "bin", "Release", "net10.0", "Imprivata.RadiusEdge.dll");

    public static async Task<EdgeProcess> StartAsync(string requestQueue, string keyId, string pem, string secret, IDictionary<string, string> settings)
    {
        if (!File.Exists(Dll))
            throw new InvalidOperationException($"The edge is not built: {Dll} (bench.sh builds it).");
        var folder = Directory.CreateTempSubdirectory("radius-bench-edge-").FullName;
        var clientsFile = Path.Combine(folder, "clients.json");
        await File.WriteAllTextAsync(clientsFile, JsonSerializer.Serialize(new
        {
            RadiusClients = new[] { new { Name = RadiusBenchmark.ClientName, Type = "Other", Address = "127.0.0.1", Secret = secret } },
        }));
        var edgeId = "bench-" + Guid.NewGuid().ToString("N")[..10];
        int port = Ports.FreeUdp(), healthPort = Ports.FreeTcp();
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Dll },
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = new Dictionary<string, string>
        {
            ["RadiusEdge__EdgeId"] = edgeId,
            ["RadiusEdge__ListenAddress"] = "127.0.0.1",
            ["RadiusEdge__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["RadiusEdge__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
            ["RadiusEdge__ClientsFile"] = clientsFile,
            ["RadiusEdge__ExchangeLogPath"] = Path.Combine(folder, "exchange.log"),
            ["RadiusEdge__Bridge__Kind"] = "StorageQueues",
            ["RadiusEdge__Bridge__StorageConnectionString"] = Azurite.ConnectionString,
            ["RadiusEdge__Bridge__RequestQueue"] = requestQueue,
            ["RadiusEdge__Bridge__BackendPublicKeyPem"] = pem,
            ["RadiusEdge__Bridge__BackendKeyId"] = keyId,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
            env["RadiusEdge__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in env)
            psi.Environment[key] = value;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("the edge did not start");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var edge = new EdgeProcess(process, folder, edgeId, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException("the edge exited: " + string.Join('\n', output));
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{healthPort}/health")).IsSuccessStatusCode)
                    return edge;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > until)
            {
                edge.Dispose();
                throw new TimeoutException("the edge was not healthy within 30 s: " + string.Join('\n', output));
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Counts of the exchange log's line kinds (RECV, SEND, DROP by reason, ...).</summary>
    public string ExchangeSummary()
    {
        var path = Path.Combine(_folder, "exchange.log");
        if (!File.Exists(path))
            return "no exchange log";
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var counts = new Dictionary<string, int>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            var kind = parts.Length > 1 ? parts[1] : "?";
            if (kind is "DROP" or "NOANSWER")
                kind += ":" + (parts.LastOrDefault(p => p.StartsWith("reason=", StringComparison.Ordinal)) ?? "reason=?")[7..];
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        return string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
