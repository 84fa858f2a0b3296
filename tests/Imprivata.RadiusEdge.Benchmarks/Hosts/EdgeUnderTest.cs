using System.Security.Cryptography;
using System.Text.Json;
using Imprivata.RadiusEdge.Bridge.StorageQueues;
using Imprivata.RadiusEdge.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprivata.RadiusEdge.Benchmarks.Hosts;

/// <summary>
/// A real edge in this process, started through <see cref="EdgeApp.Build"/> as the edge's end-to-end tests do: UDP on a
/// free loopback port, the client list in a temp file (127.0.0.1, Message-Authenticator required), its own request and
/// reply queues in Azurite, the exchange log written to a file as in production, other logging at Warning.
/// </summary>
public sealed class EdgeUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private EdgeUnderTest(WebApplication app, string folder, RSA backendKey, string edgeId, string requestQueue, int port, TimeSpan pollInterval)
    {
        _app = app;
        _folder = folder;
        BackendKey = backendKey;
        EdgeId = edgeId;
        RequestQueue = requestQueue;
        Port = port;
        PollInterval = pollInterval;
    }

    public RSA BackendKey { get; }
    public string EdgeId { get; }
    public string RequestQueue { get; }
    public string ReplyQueue => StorageQueueBridge.ReplyQueueName("radius-replies-", EdgeId);
    public int Port { get; }
    public TimeSpan PollInterval { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Counts of the exchange log's line kinds (RECV, SEND, DROP by reason, ...), read from its file.</summary>
    public string ExchangeSummary()
    {
        var path = Path.Combine(_folder, "exchange.log");
        // The edge writes its exchange log in the background: wait for the lines recorded so far.
        _app.Services.GetRequiredService<Imprivata.RadiusEdge.Logging.ExchangeLog>().FlushAsync().Wait(TimeSpan.FromSeconds(10));
        if (!File.Exists(path))
            return "no exchange log";
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var counts = new Dictionary<string, int>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            var kind = parts.Length > 1 ? parts[1] : "?";
            if (kind is "DROP" or "NOANSWER")
                kind += ":" + (parts.LastOrDefault(p => p.StartsWith("reason=", StringComparison.Ordinal)) ?? "?")[7..];
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        return string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));
    }

    /// <summary>Whether the edge's host began stopping by itself (a background service failed), and the bridge's last error.</summary>
    public string Health()
    {
        var stopping = _app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        var bridge = _app.Services.GetRequiredService<Imprivata.RadiusEdge.Bridge.IBridge>().Status;
        return (stopping ? "EDGE HOST STOPPING; " : "") + (bridge.LastError is { } e ? "bridge error: " + e : "bridge ok");
    }

    /// <param name="pollInterval">RadiusEdge:Bridge:PollInterval; null keeps the production default.</param>
    public static async Task<EdgeUnderTest> StartAsync(string connectionString, string secret, TimeSpan? pollInterval)
    {
        var folder = Directory.CreateTempSubdirectory("radius-edge-bench-").FullName;
        var clientsFile = Path.Combine(folder, "clients.json");
        var clients = new NasClientsFile { RadiusClients = [new NasClientOptions { Name = "bench-nas", Type = "Bench", Address = "127.0.0.1", Secret = secret }] };
        await File.WriteAllTextAsync(clientsFile, JsonSerializer.Serialize(clients));
        var backendKey = RSA.Create(2048);
        var id = Guid.NewGuid().ToString("N")[..10];
        int port = Ports.FreeUdp(), healthPort = Ports.FreeTcp();
        var settings = new Dictionary<string, string?>
        {
            ["RadiusEdge:EdgeId"] = "bench-" + id,
            ["RadiusEdge:ListenAddress"] = "127.0.0.1",
            ["RadiusEdge:Port"] = port.ToString(),
            ["RadiusEdge:HealthPort"] = healthPort.ToString(),
            ["RadiusEdge:ClientsFile"] = clientsFile,
            ["RadiusEdge:ExchangeLogPath"] = Path.Combine(folder, "exchange.log"),
            ["RadiusEdge:Bridge:StorageConnectionString"] = connectionString,
            ["RadiusEdge:Bridge:RequestQueue"] = "req-" + id,
            ["RadiusEdge:Bridge:BackendPublicKeyPem"] = backendKey.ExportSubjectPublicKeyInfoPem(),
            ["RadiusEdge:Bridge:BackendKeyId"] = "bench-backend-key",
        };
        if (pollInterval is { } poll)
            settings["RadiusEdge:Bridge:PollInterval"] = poll.ToString();
        var app = EdgeApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.ClearProviders();
            b.Logging.AddSimpleConsole(o => o.SingleLine = true);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        var bound = app.Options().Bridge.PollInterval;
        return new EdgeUnderTest(app, folder, backendKey, "bench-" + id, "req-" + id, port, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        BackendKey.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
