using System.Net;
using System.Net.Http.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;
using FirstFactorMode = Imprivata.Core.Radius.FirstFactorMode;

namespace Imprivata.Functions.Tests.Radius.Edges;

/// <summary>
/// A connected edge against the real RADIUS backend: heartbeats carry the console's wishes, the configuration carries the
/// client profiles (304 while unchanged), and a stopped or revoked edge's bridge requests are rejected before any factor.
/// </summary>
public sealed class EdgeEnforcementTests(RadiusWorld world) : IClassFixture<RadiusWorld>, IAsyncLifetime
{
    private AdminClient _root = default!;
    private EdgeCalls _calls = default!;

    public async Task InitializeAsync()
    {
        var name = RadiusWorld.Unique("root");
        await world.Backend.Service.AddUserAsync(name, RadiusBackend.Password, role: AdminRole.Superadmin);
        _root = new AdminClient(world.Backend.Service.BaseUri)
        {
            Authenticator = username => ConsoleSecondFactor.FreshTokenCodeAsync(world.Backend.Service.Services, username),
        };
        Assert.Equal(HttpStatusCode.SeeOther, (await _root.PostLoginAsync(name, RadiusBackend.Password)).StatusCode);
        _root.Csrf = (await _root.Http.GetFromJsonAsync<AdminHost.SessionView>("/console/api/session"))!.CsrfToken;
        _calls = new EdgeCalls(world.Backend.Service.BaseUri);
    }

    public Task DisposeAsync()
    {
        _calls.Dispose();
        _root.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A bridge edge whose id connected through the console, and its credential.</summary>
    private async Task<(BridgeEdge Edge, string Credential)> ConnectedEdgeAsync()
    {
        var issued = await EdgeCalls.JsonOf(await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/tokens"));
        var edgeId = RadiusWorld.Unique("edge");
        var credential = await _calls.ConnectedAsync(issued["token"]!.GetValue<string>(), edgeId);
        return (await BridgeEdge.ConnectAsync(world.Backend, edgeId), credential);
    }

    private async Task<Decision> AskThroughAsync(BridgeEdge edge, RadiusClientProfile client, DirectoryUser user) =>
        await edge.AskAsync(edge.Request(user.Username, RadiusBackend.Password, client.Name));

    private async Task<string> DesiredStateAsync(BridgeEdge edge, string credential) =>
        (await EdgeCalls.JsonOf(await _calls.HeartbeatAsync(edge.EdgeId, credential)))["desiredState"]!.GetValue<string>();

    [Fact]
    public async Task Stop_RequestsRejectedEdgeStoppedBeforeAnyFactor_Audited_RestartDecidesAgain()
    {
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("stop"));
        var (edge, credential) = await ConnectedEdgeAsync();

        var stop = await _root.SendAsync(HttpMethod.Post, $"/console/api/radius/edges/{edge.EdgeId}/stop");
        var stopped = await AskThroughAsync(edge, client, user);
        var told = await DesiredStateAsync(edge, credential);
        await _root.SendAsync(HttpMethod.Post, $"/console/api/radius/edges/{edge.EdgeId}/restart");
        var restarted = await AskThroughAsync(edge, client, user);

        Assert.Equal(HttpStatusCode.NoContent, stop.StatusCode);
        Assert.Equal((DecisionKind.Reject, RadiusReasons.EdgeStopped), (stopped.Kind, stopped.Reason));
        Assert.Equal("stopped", told);
        Assert.Equal((DecisionKind.Accept, PlanReasons.UnenrolledPasswordOnly), (restarted.Kind, restarted.Reason));
        var audited = await world.AuditAsync("radius.", user.Username);
        Assert.Equal([(AuditKinds.RadiusReject, RadiusReasons.EdgeStopped, null), (AuditKinds.RadiusAccept, PlanReasons.UnenrolledPasswordOnly, "password")],
            audited.OrderBy(e => e.Time).Select(e => (e.Kind, e.Reason, e.Methods)));
        Assert.Equal("running", await DesiredStateAsync(edge, credential));
    }

    [Fact]
    public async Task StopAll_EveryConnectedEdgeRejects_EdgeNeverConnectedDecidedAsBefore_RestartAll()
    {
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("all"));
        var (first, _) = await ConnectedEdgeAsync();
        var (second, _) = await ConnectedEdgeAsync();

        await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/stop-all");
        var decisions = new[] { await AskThroughAsync(first, client, user), await AskThroughAsync(second, client, user), await AskThroughAsync(world.Edge, client, user) };
        await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/restart-all");
        var after = await AskThroughAsync(first, client, user);

        Assert.Equal([RadiusReasons.EdgeStopped, RadiusReasons.EdgeStopped, PlanReasons.UnenrolledPasswordOnly], decisions.Select(d => d.Reason));
        Assert.Equal(DecisionKind.Accept, after.Kind);
    }

    [Fact]
    public async Task Revoke_CallsGet401EdgeRevoked_RequestsRejected_WrongCredential401()
    {
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("rev"));
        var (edge, credential) = await ConnectedEdgeAsync();

        var wrong = await _calls.HeartbeatAsync(edge.EdgeId, credential[..^2] + "AA");
        var unknown = await _calls.ConfigAsync("never-connected", credential);
        var revoke = await _root.SendAsync(HttpMethod.Post, $"/console/api/radius/edges/{edge.EdgeId}/revoke");
        var heartbeat = await _calls.HeartbeatAsync(edge.EdgeId, credential);
        var config = await _calls.ConfigAsync(edge.EdgeId, credential);
        var decision = await AskThroughAsync(edge, client, user);
        var missing = await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/never-connected/revoke");

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credential"), (wrong.StatusCode, await EdgeCalls.ErrorOf(wrong)));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credential"), (unknown.StatusCode, await EdgeCalls.ErrorOf(unknown)));
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, "edge_revoked"), (heartbeat.StatusCode, await EdgeCalls.ErrorOf(heartbeat)));
        Assert.Equal((HttpStatusCode.Unauthorized, "edge_revoked"), (config.StatusCode, await EdgeCalls.ErrorOf(config)));
        Assert.Equal((DecisionKind.Reject, RadiusReasons.EdgeRevoked), (decision.Kind, decision.Reason));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var refused = (await world.AuditAsync(AuditKinds.RadiusEdgeCallRefused)).Where(e => e.ClientId == edge.EdgeId).OrderBy(e => e.Time).Select(e => e.Reason).ToList();
        Assert.Equal(["invalid_credential", "edge_revoked", "edge_revoked"], refused);
    }

    [Fact]
    public async Task Config_CarriesClientProfilesWithSecrets_304WhileUnchanged_NewVersionAfterAChange()
    {
        var secret = RadiusSharedSecret.Generate();
        var client = await world.ClientAsync(p => p with
        {
            Type = "Cisco ASA", NasAddresses = ["10.0.0.0/28"], Secrets = [secret], FirstFactor = FirstFactorMode.Ldap, LdapProfile = "corp",
            RequireMessageAuthenticator = true, LimitProxyState = false,
        });
        var (edge, credential) = await ConnectedEdgeAsync();

        var first = await _calls.ConfigAsync(edge.EdgeId, credential);
        var body = await EdgeCalls.JsonOf(first);
        var version = body["configVersion"]!.GetValue<string>();
        var beat = await EdgeCalls.JsonOf(await _calls.HeartbeatAsync(edge.EdgeId, credential));
        var unchanged = await _calls.ConfigAsync(edge.EdgeId, credential, "\"" + version + "\"");
        await world.Backend.SaveClientAsync(client with { Enabled = false });
        var changed = await _calls.ConfigAsync(edge.EdgeId, credential, "\"" + version + "\"");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        var entry = body["radiusClients"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == client.Name)!;
        Assert.Equal(("Cisco ASA", "10.0.0.0/28", secret, "ldap", "corp", true, false, true),
            (entry["type"]!.GetValue<string>(), entry["addresses"]![0]!.GetValue<string>(), entry["secrets"]![0]!.GetValue<string>(),
             entry["firstFactor"]!.GetValue<string>(), entry["ldapProfile"]!.GetValue<string>(), entry["requireMessageAuthenticator"]!.GetValue<bool>(),
             entry["limitProxyState"]!.GetValue<bool>(), entry["enabled"]!.GetValue<bool>()));
        Assert.Equal((version, "00:00:15"), (beat["configVersion"]!.GetValue<string>(), beat["heartbeatInterval"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(version, (await EdgeCalls.JsonOf(changed))["configVersion"]!.GetValue<string>());
    }
}
