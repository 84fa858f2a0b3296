using System.Security.Cryptography;
using System.Text;
using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Management;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Management;

/// <summary>The management service on a fake clock against the console double: the seal key is fetched again every 5 minutes and swapped in.</summary>
public sealed class ManagementServiceTests : IDisposable
{
    private readonly ConsoleDouble _console = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-management-").FullName;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task SealKey_RotatedOnTheConsole_IsFetchedAgainOnlyAfterFiveMinutesAndUsed()
    {
        var options = Options.Create(new EdgeOptions
        {
            EdgeId = "site-a",
            CredentialFile = Path.Combine(_folder, "edge-credential.json"),
            ManagedClientsFile = Path.Combine(_folder, "managed-clients.json"),
        });
        _console.WriteCredential(options.Value.CredentialFile);
        var sealer = new PasswordSealer(options);
        using var http = new HttpClient();
        using var clients = new NasClientDirectory(new StaticClients(), NullLogger<NasClientDirectory>.Instance);
        using var service = new ManagementService(options, new ManagementClient(http), new EdgeStatus(_time), clients, sealer,
            new PendingTable(10), _time, NullLogger<ManagementService>.Instance);

        await service.StartAsync(CancellationToken.None);
        Assert.Equal(_console.SealKeyId, sealer.KeyId);

        // Heartbeats come and go without asking for the key again.
        for (var i = 0; i < 200 && _console.Heartbeats.Count < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(25);
        }
        Assert.True(_console.Heartbeats.Count >= 3);
        Assert.Equal(1, _console.SealKeyRequests);

        using var rotated = RSA.Create(2048);
        var first = _console.SealKey;
        _console.SealKey = rotated;
        _console.SealKeyId = "console-key-2";
        _time.Advance(TimeSpan.FromMinutes(5));
        for (var i = 0; i < 200 && sealer.KeyId != "console-key-2"; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(25);
        }

        Assert.Equal("console-key-2", sealer.KeyId);
        var sealedPassword = sealer.Seal("arctangent"u8, "req-1");
        Assert.Equal("arctangent", Encoding.UTF8.GetString(PasswordSeal.Open(sealedPassword, rotated, "req-1", "site-a")));
        Assert.ThrowsAny<CryptographicException>(() => PasswordSeal.Open(sealedPassword, first, "req-1", "site-a"));
        await service.StopAsync(CancellationToken.None);
        first.Dispose();
    }

    [Fact]
    public async Task CredentialOfAnotherEdgeId_ReportedInTheHeartbeat()
    {
        // connect was run with other settings than the service: the backend's gate would not know this edge's requests.
        var options = Options.Create(new EdgeOptions
        {
            EdgeId = "site-b",
            CredentialFile = Path.Combine(_folder, "edge-credential.json"),
            ManagedClientsFile = Path.Combine(_folder, "managed-clients.json"),
        });
        _console.WriteCredential(options.Value.CredentialFile, edgeId: "site-a");
        using var http = new HttpClient();
        using var clients = new NasClientDirectory(new StaticClients(), NullLogger<NasClientDirectory>.Instance);
        using var service = new ManagementService(options, new ManagementClient(http), new EdgeStatus(_time), clients, new PasswordSealer(options),
            new PendingTable(10), _time, NullLogger<ManagementService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        // The very first heartbeat (at start) already says so.
        var beat = _console.Heartbeats.First();
        Assert.Contains(beat.GetProperty("errors").EnumerateArray(),
            e => e.GetString()!.Contains("credential: connected as 'site-a' but EdgeId is 'site-b'", StringComparison.Ordinal));
    }

    private sealed class StaticClients : IOptionsMonitor<NasClientsFile>
    {
        public NasClientsFile CurrentValue { get; } = new();
        public NasClientsFile Get(string? name) => CurrentValue;
        public IDisposable? OnChange(Action<NasClientsFile, string?> listener) => null;
    }

    public void Dispose()
    {
        _console.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
