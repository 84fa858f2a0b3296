using System.Text.Json;
using Imprivata.RadiusEdge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Logging;
using Imprivata.Testing.Radius;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// The real RADIUS edge (the radius-edge service's composition root, in process): UDP on a free loopback port, the Storage
/// Queues bridge on the backend's request queue in Azurite, sealing passwords to the key it fetched from the backend's
/// seal-key endpoint, one client entry for 127.0.0.1 (where radclient sends from). Another bridge when the caller says so.
/// Or connected to the console (<see cref="StartConnectedAsync"/>): clients and seal key from there.
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
        var settings = new Dictionary<string, string?>
        {
            ["RadiusEdge:ClientsFile"] = clientsFile,
            ["RadiusEdge:Bridge:BackendPublicKeyPem"] = pem,
            ["RadiusEdge:Bridge:BackendKeyId"] = keyId,
        };
        foreach (var (key, value) in bridge ?? new Dictionary<string, string?>())
            settings[key] = value;
        return await LaunchAsync(backend, "e2e-" + Guid.NewGuid().ToString("N")[..10], folder, settings);
    }

    /// <summary>
    /// An edge connected to the console: <paramref name="folder"/> holds the <c>edge-credential.json</c> that <c>connect</c>
    /// wrote for <paramref name="edgeId"/>. No local clients file and no configured seal key: both come from the console.
    /// The folder is the edge's from now on (deleted with it).
    /// </summary>
    public static Task<RealEdge> StartConnectedAsync(RadiusBackend backend, string edgeId, string folder) =>
        LaunchAsync(backend, edgeId, folder, new Dictionary<string, string?>
        {
            ["RadiusEdge:ClientsFile"] = "",
            ["RadiusEdge:CredentialFile"] = Path.Combine(folder, CredentialFileName),
            ["RadiusEdge:ManagedClientsFile"] = Path.Combine(folder, "managed-clients.json"),
        });

    public const string CredentialFileName = "edge-credential.json";

    /// <summary>The exchange log's lines so far (one per request and reply), flushed first.</summary>
    public async Task<string[]> ExchangeLogAsync()
    {
        await Get<ExchangeLog>().FlushAsync();
        return File.Exists(ExchangeLogPath) ? ReadShared(ExchangeLogPath) : [];
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    private string ExchangeLogPath => Path.Combine(_folder, "exchange.log");

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static async Task<RealEdge> LaunchAsync(RadiusBackend backend, string edgeId, string folder, IDictionary<string, string?> specific)
    {
        var port = Ports.FreeUdp();
        var settings = new Dictionary<string, string?>
        {
            ["RadiusEdge:EdgeId"] = edgeId,
            ["RadiusEdge:ListenAddress"] = "127.0.0.1",
            ["RadiusEdge:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RadiusEdge:HealthPort"] = Ports.FreeTcp().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RadiusEdge:DecisionTimeout"] = "00:00:35",
            // Never the working directory's: only a connected edge is given one.
            ["RadiusEdge:CredentialFile"] = Path.Combine(folder, "not-connected.json"),
            ["RadiusEdge:ExchangeLogPath"] = Path.Combine(folder, "exchange.log"),
            ["RadiusEdge:Bridge:Kind"] = "StorageQueues",
            ["RadiusEdge:Bridge:StorageConnectionString"] = Azurite.ConnectionString,
            ["RadiusEdge:Bridge:RequestQueue"] = backend.RequestQueue,
            ["RadiusEdge:Bridge:PollInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in specific)
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
