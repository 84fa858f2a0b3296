using System.Text.Json;
using Imprivata.RadiusEdge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.Testing.Radius;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// The real RADIUS edge (the radius-edge service's composition root, in process): UDP on a free loopback port, the Storage
/// Queues bridge on the backend's request queue in Azurite, sealing passwords to the key it fetched from the backend's
/// seal-key endpoint, one client entry for 127.0.0.1 (where radclient sends from). Another bridge when the caller says so.
/// </summary>
public sealed class RealEdge : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private RealEdge(WebApplication app, string folder, string edgeId, int port)
    {
        _app = app;
        _folder = folder;
        EdgeId = edgeId;
        Port = port;
    }

    public string EdgeId { get; }
    public int Port { get; }

    /// <param name="bridge">Settings replacing the Storage Queues bridge (e.g. Bridge:Kind = ServiceBus and its connection).</param>
    public static async Task<RealEdge> StartAsync(RadiusBackend backend, string clientName, string secret, IDictionary<string, string?>? bridge = null)
    {
        var folder = Directory.CreateTempSubdirectory("radius-e2e-").FullName;
        var clientsFile = Path.Combine(folder, "clients.json");
        File.WriteAllText(clientsFile, JsonSerializer.Serialize(new NasClientsFile
        {
            RadiusClients = [new NasClientOptions { Name = clientName, Type = "Other", Address = "127.0.0.1", Secret = secret }],
        }));
        var (keyId, pem) = await backend.SealKeyAsync();
        var edgeId = "e2e-" + Guid.NewGuid().ToString("N")[..10];
        var port = Ports.FreeUdp();
        var settings = new Dictionary<string, string?>
        {
            ["RadiusEdge:EdgeId"] = edgeId,
            ["RadiusEdge:ListenAddress"] = "127.0.0.1",
            ["RadiusEdge:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RadiusEdge:HealthPort"] = Ports.FreeTcp().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RadiusEdge:DecisionTimeout"] = "00:00:35",
            ["RadiusEdge:ClientsFile"] = clientsFile,
            ["RadiusEdge:ExchangeLogPath"] = Path.Combine(folder, "exchange.log"),
            ["RadiusEdge:Bridge:Kind"] = "StorageQueues",
            ["RadiusEdge:Bridge:StorageConnectionString"] = Azurite.ConnectionString,
            ["RadiusEdge:Bridge:RequestQueue"] = backend.RequestQueue,
            ["RadiusEdge:Bridge:PollInterval"] = "00:00:00.050",
            ["RadiusEdge:Bridge:BackendPublicKeyPem"] = pem,
            ["RadiusEdge:Bridge:BackendKeyId"] = keyId,
        };
        foreach (var (key, value) in bridge ?? new Dictionary<string, string?>())
            settings[key] = value;
        var app = EdgeApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync();
        return new RealEdge(app, folder, edgeId, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
