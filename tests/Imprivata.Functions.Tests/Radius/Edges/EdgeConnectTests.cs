using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Radius.Edges;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Radius.Edges;

/// <summary>
/// Integration tokens and connecting (the console's API and POST /radius/v1/edges/connect): single use, one hour, audited,
/// helpdesk may not issue them, and neither a token nor a credential reaches the audit log or the service's logs.
/// </summary>
public sealed class EdgeConnectTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly RecordingLogs _logs = new();
    private AdminHost _host = default!;
    private AdminClient _root = default!;
    private EdgeCalls _edge = default!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(_clock);
            builder.Logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug);
        });
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        _root = await _host.SignInAsync("root");
        _edge = new EdgeCalls(_host.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        _edge.Dispose();
        _root.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<JsonNode> IssueAsync(AdminClient? admin = null)
    {
        var response = await (admin ?? _root).SendAsync(HttpMethod.Post, "/console/api/radius/edges/tokens");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await EdgeCalls.JsonOf(response);
    }

    private async Task<JsonNode> OverviewAsync() => await EdgeCalls.JsonOf(await _root.SendAsync(HttpMethod.Get, "/console/api/radius/edges"));

    [Fact]
    public async Task IssuedToken_NamesThisBackendAndIntegrationId_ConnectReturnsCredentialOnce_HashStored()
    {
        var issued = await IssueAsync();
        var token = issued["token"]!.GetValue<string>();
        var overview = await OverviewAsync();

        var response = await _edge.ConnectAsync(token, "site-a", "Site A edge", "1.4.0");
        var connected = await EdgeCalls.JsonOf(response);

        var body = EdgeSecrets.ReadToken(token)!;
        Assert.Equal(("http://127.0.0.1:7071", overview["integrationId"]!.GetValue<string>()), (body.Url, body.Iid));
        Assert.Equal("radius-edge connect " + token, issued["command"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(("site-a", body.Iid, "00:00:15"),
            (connected["edgeId"]!.GetValue<string>(), connected["integrationId"]!.GetValue<string>(), connected["heartbeatInterval"]!.GetValue<string>()));
        var credential = connected["credential"]!.GetValue<string>();
        Assert.Equal(32, Convert.FromBase64String(credential.Replace('-', '+').Replace('_', '/') + "=").Length);
        var stored = await _host.App.Services.GetRequiredService<Core.Radius.IRadiusEdgeStore>().FindAsync("site-a", default);
        Assert.Equal((EdgeSecrets.Hash(credential), "Site A edge", "1.4.0"), (stored!.CredentialHash, stored.Name, stored.Version));
        var edge = Assert.Single((await OverviewAsync())["edges"]!.AsArray());
        Assert.Equal(("site-a", "running", false), (edge!["id"]!.GetValue<string>(), edge["desiredState"]!.GetValue<string>(), edge["revoked"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task UsedToken_Refused_AndTwoParallelConnectsWithOneToken_OneWins()
    {
        var token = (await IssueAsync())["token"]!.GetValue<string>();
        await _edge.ConnectedAsync(token, "site-a");
        var again = await _edge.ConnectAsync(token, "site-b");
        var raced = (await IssueAsync())["token"]!.GetValue<string>();

        var both = await Task.WhenAll(_edge.ConnectAsync(raced, "site-c"), _edge.ConnectAsync(raced, "site-d"));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_token"), (again.StatusCode, await EdgeCalls.ErrorOf(again)));
        Assert.Single(both, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Single(both, r => r.StatusCode == HttpStatusCode.BadRequest);
        var refused = _host.Audit.Events.Where(e => e.Kind == AuditKinds.RadiusEdgeConnectRefused).ToList();
        Assert.Equal(2, refused.Count(e => e.Reason == "token_used"));
        Assert.Contains(refused, e => e.ClientId == "site-b" && e.Result == AuditResults.Failure);
    }

    [Fact]
    public async Task Token_ValidForOneHourOnly_ExpiredRefusedAndAudited()
    {
        var early = (await IssueAsync())["token"]!.GetValue<string>();
        var late = (await IssueAsync())["token"]!.GetValue<string>();

        _clock.Advance(TimeSpan.FromMinutes(59));
        var inTime = await _edge.ConnectAsync(early, "site-a");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await _edge.ConnectAsync(late, "site-b");

        Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_token"), (expired.StatusCode, await EdgeCalls.ErrorOf(expired)));
        Assert.Contains(_host.Audit.Events, e => e.Kind == AuditKinds.RadiusEdgeConnectRefused && e.Reason == "token_expired" && e.ClientId == "site-b");
    }

    [Theory]
    [InlineData("imp-edge.not-base64!!", "token_malformed")]
    [InlineData("", "token_malformed")]
    [InlineData("bearer-abc", "token_malformed")]
    public async Task MalformedToken_InvalidToken(string token, string reason)
    {
        var response = await _edge.ConnectAsync(token, "site-a");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_token"), (response.StatusCode, await EdgeCalls.ErrorOf(response)));
        Assert.Contains(_host.Audit.Events, e => e.Kind == AuditKinds.RadiusEdgeConnectRefused && e.Reason == reason);
    }

    [Fact]
    public async Task ForgedToken_UnknownSecretOrOtherIntegrationId_Refused()
    {
        var iid = (await OverviewAsync())["integrationId"]!.GetValue<string>();
        var unknown = EdgeSecrets.FormatToken(new Uri("http://127.0.0.1:7071"), iid, EdgeSecrets.NewSecret());
        var real = EdgeSecrets.ReadToken((await IssueAsync())["token"]!.GetValue<string>())!;
        var otherEnterprise = EdgeSecrets.FormatToken(new Uri("http://127.0.0.1:7071"), Guid.NewGuid().ToString(), real.Secret);

        var first = await _edge.ConnectAsync(unknown, "site-a");
        var second = await _edge.ConnectAsync(otherEnterprise, "site-a");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (first.StatusCode, second.StatusCode));
        Assert.Equal(["token_unknown", "integration_id_mismatch"],
            _host.Audit.Events.Where(e => e.Kind == AuditKinds.RadiusEdgeConnectRefused).Select(e => e.Reason));
    }

    [Theory]
    [InlineData("../queue")]
    [InlineData("")]
    [InlineData("a b")]
    public async Task InvalidEdgeId_400WithReason_TokenNotSpent(string edgeId)
    {
        var token = (await IssueAsync())["token"]!.GetValue<string>();

        var response = await _edge.ConnectAsync(token, edgeId);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("edge_id_invalid", (await EdgeCalls.JsonOf(response))["reason"]!.GetValue<string>());
        await _edge.ConnectedAsync(token, "site-a");
    }

    [Fact]
    public async Task Heartbeat_ConnectedWithinThreeIntervals_ThenNot()
    {
        var credential = await _edge.ConnectedAsync((await IssueAsync())["token"]!.GetValue<string>(), "site-a");
        await _edge.HeartbeatAsync("site-a", credential, new { version = "1.4.1", state = "running", pending = 3, clients = 5, configVersion = "x", errors = new[] { "bridge: send timed out" } });

        var fresh = (await OverviewAsync())["edges"]![0]!;
        _clock.Advance(TimeSpan.FromSeconds(46));
        var silent = (await OverviewAsync())["edges"]![0]!;

        Assert.Equal((true, "1.4.1", 3), (fresh["connected"]!.GetValue<bool>(), fresh["version"]!.GetValue<string>(), fresh["lastHeartbeat"]!["pending"]!.GetValue<int>()));
        Assert.Equal("bridge: send timed out", fresh["lastHeartbeat"]!["errors"]![0]!.GetValue<string>());
        Assert.False(silent["connected"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Helpdesk_ReadsEdges_MayNotIssueTokensStopOrRevoke()
    {
        var credential = await _edge.ConnectedAsync((await IssueAsync())["token"]!.GetValue<string>(), "site-a");
        await _host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await _host.SignInAsync("desk");

        var list = await desk.SendAsync(HttpMethod.Get, "/console/api/radius/edges");
        var issue = await desk.SendAsync(HttpMethod.Post, "/console/api/radius/edges/tokens");
        var stop = await desk.SendAsync(HttpMethod.Post, "/console/api/radius/edges/site-a/stop");
        var revoke = await desk.SendAsync(HttpMethod.Post, "/console/api/radius/edges/site-a/revoke");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (issue.StatusCode, stop.StatusCode, revoke.StatusCode));
        Assert.DoesNotContain(_host.Audit.Events, e => e.Kind == AuditKinds.RadiusEdgeTokenIssue && e.Actor == "desk");
        var beat = await EdgeCalls.JsonOf(await _edge.HeartbeatAsync("site-a", credential));
        Assert.Equal("running", beat["desiredState"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryStep_Audited_NoTokenOrCredentialInAuditOrLogs()
    {
        var token = (await IssueAsync())["token"]!.GetValue<string>();
        var secret = EdgeSecrets.ReadToken(token)!.Secret;
        var credential = await _edge.ConnectedAsync(token, "site-a");
        await _edge.ConnectAsync(token, "site-a");
        await _edge.HeartbeatAsync("site-a", credential + "x");
        await _edge.ConfigAsync("site-a", credential);
        await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/site-a/stop");
        await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/site-a/restart");
        await _root.SendAsync(HttpMethod.Post, "/console/api/radius/edges/site-a/revoke");
        var page = await _root.Http.GetStringAsync(EdgePages.Path);

        var kinds = _host.Audit.Events.Where(e => e.Kind.StartsWith(AuditKinds.RadiusEdgePrefix, StringComparison.Ordinal)).Select(e => e.Kind).ToList();
        Assert.Equal([AuditKinds.RadiusEdgeTokenIssue, AuditKinds.RadiusEdgeConnect, AuditKinds.RadiusEdgeConnectRefused, AuditKinds.RadiusEdgeCallRefused,
            AuditKinds.RadiusEdgeStop, AuditKinds.RadiusEdgeRestart, AuditKinds.RadiusEdgeRevoke], kinds);
        Assert.Equal("root", _host.Audit.Events.Single(e => e.Kind == AuditKinds.RadiusEdgeTokenIssue).Actor);
        Assert.Equal("site-a", _host.Audit.Events.Single(e => e.Kind == AuditKinds.RadiusEdgeRevoke).ClientId);
        var audited = string.Join("\n", _host.Audit.Events.Select(e => e.ToString()));
        var logged = _logs.Text;
        foreach (var leak in new[] { token, secret, credential, EdgeSecrets.Hash(credential) })
        {
            Assert.DoesNotContain(leak, audited, StringComparison.Ordinal);
            Assert.DoesNotContain(leak, logged, StringComparison.Ordinal);
            Assert.DoesNotContain(leak, page, StringComparison.Ordinal);
        }
        Assert.Contains("site-a", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsolePage_ConnectAnEdge_ShowsTheCommandOnce_EdgeRowsWithButtons()
    {
        await _edge.ConnectedAsync((await IssueAsync())["token"]!.GetValue<string>(), "site-a");
        var page = await _root.Http.GetStringAsync(EdgePages.Path);

        var issued = await _root.Http.PostAsync(EdgePages.Path + "/token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = AdminClient.CsrfFrom(page) }));
        var html = await issued.Content.ReadAsStringAsync();
        var shown = System.Text.RegularExpressions.Regex.Match(html, "radius-edge connect (imp-edge\\.[A-Za-z0-9_-]+)").Groups[1].Value;
        var stop = await _root.Http.PostAsync(EdgePages.Path + "/site-a/stop",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = AdminClient.CsrfFrom(page) }));
        var after = await _root.Http.GetStringAsync(EdgePages.Path);

        Assert.Contains((await OverviewAsync())["integrationId"]!.GetValue<string>(), page, StringComparison.Ordinal);
        Assert.Contains("/site-a/stop", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.NotNull(EdgeSecrets.ReadToken(shown));
        Assert.DoesNotContain(shown, after, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, stop.StatusCode);
        Assert.Contains("/site-a/restart", after, StringComparison.Ordinal);
        await _edge.ConnectedAsync(shown, "site-b");
    }

    /// <summary>Every line the service logs, at any level, formatted with its arguments.</summary>
    private sealed class RecordingLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public string Text => string.Join("\n", _lines);
        public ILogger CreateLogger(string categoryName) => new Logger(_lines);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
