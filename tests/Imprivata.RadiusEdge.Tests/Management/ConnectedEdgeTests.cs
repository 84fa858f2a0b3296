using Imprivata.Testing.Radius;
using System.Net;
using System.Text.Json;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Management;
using Imprivata.RadiusEdge.Tests.EndToEnd;
using Imprivata.RadiusEdge.Tests.Infrastructure;

namespace Imprivata.RadiusEdge.Tests.Management;

/// <summary>
/// A real edge connected to the console double: heartbeats, the console's client list (and its cache), stop, revoke, the
/// console's seal key and two secrets, with FreeRADIUS radclient as the NAS (it verifies every reply it reports).
/// </summary>
public sealed class ConnectedEdgeTests : IDisposable
{
    private const string LocalSecret = "local-file-secret-0123456789";
    private const string ConsoleSecret = "console-secret-0123456789ab";
    private const string RotatedSecret = "rotated-secret-0123456789abc";
    private readonly ConsoleDouble _console = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-connected-").FullName;
    private string CredentialFile => Path.Combine(_folder, "edge-credential.json");
    private string ManagedClientsFile => Path.Combine(_folder, "managed-clients.json");

    private static string Pap(string user, string password) =>
        $"User-Name = \"{user}\"\nUser-Password = \"{password}\"\nMessage-Authenticator = 0x00\n";

    private static BackendAnswer? AcceptAlice(AuthenticateRequest request, string? password) =>
        BackendAnswer.Of(request.UserName == "alice" && password == "alices password" ? DecisionKind.Accept : DecisionKind.Reject, "from the backend");

    private static EdgeConfig Config(string version, params string[] secrets) =>
        new(version, [new ManagedRadiusClient("vpn-console", "Cisco ASA", ["127.0.0.0/8"], secrets, FirstFactor: "directory")]);

    private async Task<EdgeHost> StartAsync(bool configuredKey = true)
    {
        if (!File.Exists(CredentialFile))
            _console.WriteCredential(CredentialFile);
        var settings = new Dictionary<string, string?>
        {
            ["RadiusEdge:CredentialFile"] = CredentialFile,
            ["RadiusEdge:ManagedClientsFile"] = ManagedClientsFile,
        };
        if (!configuredKey)
            settings["RadiusEdge:Bridge:BackendPublicKeyPem"] = null;
        // The local file names the same NAS with another secret: which list is served shows in which secret works.
        return await EdgeHost.StartAsync([EdgeFixture.Client("127.0.0.1", LocalSecret)], TimeSpan.FromSeconds(4), settings);
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(50);
        Assert.True(condition(), "never happened: " + what);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(EdgeHost edge)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync($"http://127.0.0.1:{edge.HealthPort}/health");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Heartbeat_ReportsVersionStateStartedAtPendingClientsConfigVersionAndBearerCredential()
    {
        _console.Config = Config("v1", ConsoleSecret);
        await using var edge = await StartAsync();

        await Eventually(() => _console.Heartbeats.Count >= 2, "two heartbeats (the interval comes from the console)");

        var beat = _console.Heartbeats.Last();
        Assert.False(string.IsNullOrEmpty(beat.GetProperty("version").GetString()));
        Assert.Equal("running", beat.GetProperty("state").GetString());
        Assert.True(beat.GetProperty("startedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.Equal(0, beat.GetProperty("pending").GetInt32());
        Assert.Equal(1, beat.GetProperty("clients").GetInt32());
        Assert.Equal("v1", beat.GetProperty("configVersion").GetString());
        Assert.Equal(JsonValueKind.Array, beat.GetProperty("errors").ValueKind);
        Assert.DoesNotContain(_console.Credential!, beat.GetRawText());
    }

    [Fact]
    public async Task ConsoleList_IsServedInsteadOfTheLocalFile_AndAChangeArrivesWithAHeartbeat()
    {
        _console.Config = Config("v1", ConsoleSecret);
        await using var edge = await StartAsync();
        await using var backend = new BackendDouble(edge, AcceptAlice);

        var console = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));
        var local = await Radclient.AuthAsync(edge.Port, LocalSecret, Pap("alice", "alices password"), timeoutSeconds: 1);

        Assert.True(console.Received("Access-Accept"), console.Output);
        Assert.True(local.NoReply, local.Output);
        Assert.Equal(1, _console.ConfigFullAnswers);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ManagedClientsFile));

        _console.Config = Config("v2", RotatedSecret);
        await Eventually(() => HealthAsync(edge).Result.Body.GetProperty("console").GetProperty("configVersion").GetString() == "v2",
            "the new version served after a heartbeat");
        Assert.Equal(2, _console.ConfigFullAnswers);
        var rotated = await Radclient.AuthAsync(edge.Port, RotatedSecret, Pap("alice", "alices password"));

        Assert.True(rotated.Received("Access-Accept"), rotated.Output);
        Assert.Contains("\"v1\"", _console.ConfigRequests);
    }

    [Fact]
    public async Task Restart_WithTheCachedVersionCurrent_GetsNotModifiedAndServesTheCache()
    {
        _console.Config = Config("v7", ConsoleSecret);
        await (await StartAsync()).DisposeAsync();
        Assert.True(File.Exists(ManagedClientsFile));

        await using var edge = await StartAsync();
        await using var backend = new BackendDouble(edge, AcceptAlice);
        var result = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));

        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.Equal(1, _console.ConfigFullAnswers);
        Assert.Equal(1, _console.NotModifiedAnswers);
    }

    [Fact]
    public async Task ConsoleUnreachableAtStart_ServesTheCachedList()
    {
        ManagedClients.WriteCache(ManagedClientsFile, Config("v3", ConsoleSecret));
        _console.Unreachable = true;
        await using var edge = await StartAsync();
        await using var backend = new BackendDouble(edge, AcceptAlice);

        var cached = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));
        var local = await Radclient.AuthAsync(edge.Port, LocalSecret, Pap("alice", "alices password"), timeoutSeconds: 1);

        Assert.True(cached.Received("Access-Accept"), cached.Output);
        Assert.True(local.NoReply, local.Output);
        Assert.Equal("v3", (await HealthAsync(edge)).Body.GetProperty("console").GetProperty("configVersion").GetString());
    }

    [Fact]
    public async Task ConsoleUnreachableAndNoListEverReceived_ServesTheLocalFile()
    {
        _console.Unreachable = true;
        await using var edge = await StartAsync();
        await using var backend = new BackendDouble(edge, AcceptAlice);

        var local = await Radclient.AuthAsync(edge.Port, LocalSecret, Pap("alice", "alices password"));

        Assert.True(local.Received("Access-Accept"), local.Output);
    }

    [Fact]
    public async Task Stopped_RejectsWithTheReasonWithoutTheBackend_ThenRunningResumesAndFetchesAgain()
    {
        _console.Config = Config("v1", ConsoleSecret);
        await using var edge = await StartAsync(configuredKey: false);
        await using var backend = new BackendDouble(edge, AcceptAlice, _console.SealKey);
        _console.DesiredState = ManagementContract.Stopped;
        await Eventually(() => HealthAsync(edge).Result.Body.GetProperty("status").GetString() == "stopped", "health shows stopped");

        var stopped = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));

        Assert.True(stopped.Received("Access-Reject"), stopped.Output);
        Assert.Contains("Reply-Message = \"Remote access is stopped on this server\"", stopped.Output);
        Assert.Contains("edge_stopped", await edge.ExchangeLogAsync());
        Assert.Empty(backend.Received);
        await Eventually(() => _console.Heartbeats.Last().GetProperty("state").GetString() == "stopped", "a heartbeat reports stopped");

        var (configs, keys) = (_console.ConfigFullAnswers, _console.SealKeyRequests);
        _console.DesiredState = ManagementContract.Running;
        await Eventually(() => HealthAsync(edge).Result.Body.GetProperty("status").GetString() == "healthy", "health shows running");
        var resumed = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));

        Assert.True(resumed.Received("Access-Accept"), resumed.Output);
        Assert.True(_console.ConfigFullAnswers > configs, "restart fetches the configuration again");
        Assert.True(_console.SealKeyRequests > keys, "restart fetches the seal key again");
    }

    [Fact]
    public async Task StoppedOnTheConsole_EdgeStartingAgain_RejectsFromItsFirstRequest()
    {
        _console.Config = Config("v1", ConsoleSecret);
        _console.DesiredState = ManagementContract.Stopped;
        _console.HeartbeatInterval = TimeSpan.FromMinutes(1);
        // A slow console: the answer to the edge's background heartbeat would come after the NAS's request.
        _console.HeartbeatDelay = TimeSpan.FromSeconds(1.5);
        await using var edge = await StartAsync();

        var result = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));

        Assert.True(result.Received("Access-Reject"), result.Output);
        Assert.Contains("Remote access is stopped on this server", result.Output);
    }

    [Fact]
    public async Task Revoked_AnswersNothingAndHealthIsUnhealthy()
    {
        _console.Config = Config("v1", ConsoleSecret);
        await using var edge = await StartAsync();
        await using var backend = new BackendDouble(edge, AcceptAlice);
        _console.Revoked = true;
        await Eventually(() => HealthAsync(edge).Result.Status == HttpStatusCode.ServiceUnavailable, "health turns unhealthy");

        var result = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"), timeoutSeconds: 1);

        Assert.True(result.NoReply, result.Output);
        Assert.Equal("revoked", (await HealthAsync(edge)).Body.GetProperty("state").GetString());
        Assert.Contains("edge_revoked", await edge.ExchangeLogAsync());
        Assert.Empty(backend.Received);
    }

    [Fact]
    public async Task NoConfiguredKey_PasswordsAreSealedToTheConsolesKey()
    {
        _console.Config = Config("v1", ConsoleSecret);
        await using var edge = await StartAsync(configuredKey: false);
        await using var backend = new BackendDouble(edge, AcceptAlice, _console.SealKey);

        var result = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));

        Assert.True(result.Received("Access-Accept"), result.Output);
        var (request, password) = Assert.Single(backend.Received);
        Assert.Equal("alices password", password);
        Assert.Equal(_console.SealKeyId, request.Password!.Kid);
    }

    [Fact]
    public async Task NoKeyYet_ConsoleUnreachable_PasswordsDoNotLeaveAndTheNasGetsNoAnswer()
    {
        ManagedClients.WriteCache(ManagedClientsFile, Config("v3", ConsoleSecret));
        _console.Unreachable = true;
        await using var edge = await StartAsync(configuredKey: false);
        await using var backend = new BackendDouble(edge, AcceptAlice, _console.SealKey);

        var result = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"), timeoutSeconds: 1);

        Assert.True(result.NoReply, result.Output);
        Assert.Contains("seal_key_unavailable", await edge.ExchangeLogAsync());
        Assert.Empty(backend.Received);
        var errors = (await HealthAsync(edge)).Body.GetProperty("console").GetProperty("errors");
        Assert.Contains(errors.EnumerateArray(), e => e.GetString()!.Contains("seal-key"));
    }

    [Fact]
    public async Task ConfiguredKey_WinsOverTheConsolesKey()
    {
        _console.Config = Config("v1", ConsoleSecret);
        await using var edge = await StartAsync(configuredKey: true);
        await using var backend = new BackendDouble(edge, AcceptAlice);

        var result = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));

        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.Equal("test-backend-key", Assert.Single(backend.Received).Request.Password!.Kid);
        Assert.Equal(0, _console.SealKeyRequests);
    }

    [Fact]
    public async Task TwoSecrets_RadclientWithTheOldAndTheNewSecret_BothGetAVerifiedReply()
    {
        _console.Config = Config("v1", RotatedSecret, ConsoleSecret);
        await using var edge = await StartAsync();
        await using var backend = new BackendDouble(edge, AcceptAlice);

        var old = await Radclient.AuthAsync(edge.Port, ConsoleSecret, Pap("alice", "alices password"));
        var current = await Radclient.AuthAsync(edge.Port, RotatedSecret, Pap("alice", "alices password"));

        Assert.True(old.Received("Access-Accept"), old.Output);
        Assert.True(current.Received("Access-Accept"), current.Output);
        Assert.All(backend.Received, r => Assert.Equal("alices password", r.Password));
    }

    public void Dispose()
    {
        _console.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
