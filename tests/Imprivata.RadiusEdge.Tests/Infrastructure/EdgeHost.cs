using System.Security.Cryptography;
using System.Text.Json;
using Imprivata.RadiusEdge.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// A real edge, in process: UDP on a free loopback port, health on another, the client list in a temp file, its own
/// request queue and reply queue in Azurite. Also holds the backend's key pair the edge seals passwords to.
/// </summary>
public sealed class EdgeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private EdgeHost(WebApplication app, string folder, RSA backendKey, string edgeId, string requestQueue, string clientsFile, int port, int healthPort)
    {
        _app = app;
        _folder = folder;
        BackendKey = backendKey;
        EdgeId = edgeId;
        RequestQueue = requestQueue;
        ClientsFile = clientsFile;
        Port = port;
        HealthPort = healthPort;
    }

    public RSA BackendKey { get; }
    public string EdgeId { get; }
    public string RequestQueue { get; }
    public string ClientsFile { get; }
    public int Port { get; }
    public int HealthPort { get; }
    public string ExchangeLogPath => Path.Combine(_folder, "exchange.log");
    public IServiceProvider Services => _app.Services;

    /// <summary>The exchange log file, after every line recorded so far has been written (the edge writes it in the background).</summary>
    public async Task<string> ExchangeLogAsync()
    {
        await _app.Services.GetRequiredService<Imprivata.RadiusEdge.Logging.ExchangeLog>().FlushAsync();
        if (!File.Exists(ExchangeLogPath))
            return "";
        using var reader = new StreamReader(new FileStream(ExchangeLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return await reader.ReadToEndAsync();
    }

    /// <param name="settings">Settings over the defaults below (keys as in configuration, e.g. <c>RadiusEdge:Bridge:Kind</c>).</param>
    public static async Task<EdgeHost> StartAsync(IEnumerable<NasClientOptions> clients, TimeSpan? decisionTimeout = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("radius-edge-").FullName;
        var clientsFile = Path.Combine(folder, "clients.json");
        WriteClients(clientsFile, clients);
        var backendKey = RSA.Create(2048);
        var id = Guid.NewGuid().ToString("N")[..10];
        var edgeId = "edge-" + id;
        var requestQueue = "req-" + id;
        int port = Ports.FreeUdp(), healthPort = Ports.FreeTcp();
        var defaults = new Dictionary<string, string?>
        {
            ["RadiusEdge:EdgeId"] = edgeId,
            ["RadiusEdge:ListenAddress"] = "127.0.0.1",
            ["RadiusEdge:Port"] = port.ToString(),
            ["RadiusEdge:HealthPort"] = healthPort.ToString(),
            ["RadiusEdge:DecisionTimeout"] = (decisionTimeout ?? TimeSpan.FromSeconds(35)).ToString(),
            ["RadiusEdge:ClientsFile"] = clientsFile,
            ["RadiusEdge:ExchangeLogPath"] = Path.Combine(folder, "exchange.log"),
            ["RadiusEdge:Bridge:RequestQueue"] = requestQueue,
            ["RadiusEdge:Bridge:PollInterval"] = "00:00:00.050",
            ["RadiusEdge:Bridge:BackendPublicKeyPem"] = backendKey.ExportSubjectPublicKeyInfoPem(),
            ["RadiusEdge:Bridge:BackendKeyId"] = "test-backend-key",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            defaults[key] = value;
        // Azurite only for the queues bridge (its first use starts it).
        if (defaults.GetValueOrDefault("RadiusEdge:Bridge:Kind") is null or "StorageQueues")
            defaults["RadiusEdge:Bridge:StorageConnectionString"] = Azurite.ConnectionString;
        var app = EdgeApp.Build([], b =>
        {
            b.Configuration.AddInMemoryCollection(defaults);
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        return new EdgeHost(app, folder, backendKey, edgeId, defaults["RadiusEdge:Bridge:RequestQueue"]!, clientsFile, port, healthPort);
    }

    public static void WriteClients(string path, IEnumerable<NasClientOptions> clients)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new NasClientsFile { RadiusClients = clients.ToList() }));
        File.Move(temp, path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        BackendKey.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
