using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.UserDirectory;
using Imprivata.RadiusEdge.Management;
using Imprivata.Testing.Radius;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// Remote access managed from the console, end to end: the administrator adds a RADIUS client and connects an edge in
/// Chromium; the real edge runs <c>connect</c> with the token read from the page and then serves the console's client
/// list with the console's seal key; radclient (the gateway, with the secret the page showed) is accepted, refused while
/// the edge is stopped from the console, and accepted again after the restart.
/// </summary>
public sealed class EdgeConsoleEndToEndTests : IAsyncLifetime
{
    private const string StoppedText = "Remote access is stopped on this server";
    // The shortest interval the backend allows: the edge learns a stop or restart within 5 s.
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = AdminConsoleFixture.Timeout };

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private RadiusBackend _backend = null!;
    private RealEdge? _edge;
    private string? _edgeFolder;

    public async Task InitializeAsync()
    {
        _backend = await RadiusBackend.StartAsync(new Dictionary<string, string?> { ["Imprivata:Radius:EdgeHeartbeatInterval"] = "00:00:05" });
        (_playwright, _browser) = await Browser.LaunchAsync();
        await _backend.Service.AddUserAsync("root", AdminConsoleFixture.Password, role: AdminRole.Superadmin);
    }

    public async Task DisposeAsync()
    {
        // The edge deletes its folder; one never started leaves it to us.
        if (_edge is not null)
            await _edge.DisposeAsync();
        else if (_edgeFolder is not null)
            Directory.Delete(_edgeFolder, recursive: true);
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _backend.DisposeAsync();
    }

    private string Url(string path) => new Uri(_backend.Service.BaseUri, path).ToString();

    [Fact]
    public async Task ConsoleAddsClientAndConnectsEdge_RadclientAccepted_StoppedRejected_RestartedAccepted()
    {
        // A user in the enrollment grace period: the password alone is enough, so the test is about the edge, not factors.
        await _backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var user = await _backend.AddUserAsync(RadiusEdgeFixture.Unique("edge"));
        var clientName = RadiusEdgeFixture.Unique("gw");
        var edgeId = RadiusEdgeFixture.Unique("site-a");
        var page = await AdminConsoleFixture.SignInAsync(_browser, _backend.Service, "root");

        // Applications > Remote access: the gateway at 127.0.0.1, directory passwords, a generated secret shown once.
        await page.GotoAsync(Url("console/apps/remote-access"));
        await page.ClickAsync("a:has-text('Add new RADIUS client')");
        await page.FillAsync("input[name=name]", clientName);
        await page.FillAsync("textarea[name=nasAddresses]", "127.0.0.1");
        await page.CheckAsync("input[name=firstFactor][value=directory]");
        await page.CheckAsync("input[name=secretMode][value=generate]");
        await page.ClickAsync("button.primary");
        await Expect(page.Locator("h1")).ToContainTextAsync("Shared secret for " + clientName, Wait);
        var secret = await page.Locator("input.copy").InputValueAsync();

        // Edges: a one-time token, shown once as the command line to run on the edge's server.
        await page.GotoAsync(Url("console/apps/remote-access/edges"));
        await page.ClickAsync("button:has-text('Connect an edge')");
        var command = (await page.Locator("pre.token code").InnerTextAsync()).Trim();
        Assert.StartsWith("radius-edge connect imp-edge.", command);
        var token = command["radius-edge connect ".Length..];

        var folder = _edgeFolder = Directory.CreateTempSubdirectory("radius-e2e-").FullName;
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await ConnectCommand.RunAsync([token, "--name", "Site A edge", "--RadiusEdge:EdgeId=" + edgeId,
            "--RadiusEdge:CredentialFile=" + Path.Combine(folder, RealEdge.CredentialFileName)], output, error);
        Assert.True(exit == 0, $"connect exited {exit}: {output}{error}");
        _edge = await RealEdge.StartConnectedAsync(_backend, edgeId, folder);

        var row = page.Locator("tr", new() { HasText = edgeId });
        await ReloadUntilAsync(page, row, "Connected, running");
        await Expect(row).ToContainTextAsync("Site A edge", Wait);

        var accepted = await RadclientAsync(user.Username, secret);
        Assert.True(accepted.Received("Access-Accept"), accepted.Output);
        Assert.Contains(await AuditAsync(AuditKinds.RadiusAccept), e => e.Username == user.Username && e.ClientId == clientName && e.Detail?.StartsWith($"edge={edgeId} ") == true);

        // Stop: refused at once (by the backend's gate, or the edge if a heartbeat came first), then by the edge itself.
        await row.Locator("button:has-text('Stop')").ClickAsync();
        await Expect(page.Locator("tr", new() { HasText = edgeId })).ToContainTextAsync("Connected, stopped", Wait);
        var refused = await RadclientAsync(user.Username, secret);
        Assert.True(refused.Received("Access-Reject"), refused.Output);
        Assert.Equal(StoppedText, refused.ReplyMessage);
        Assert.Contains(await AuditAsync(AuditKinds.RadiusEdgeStop), e => e.Actor == "root" && e.ClientId == edgeId);

        await WaitForEdgeAsync(stopped: true);
        var refusedByEdge = await RadclientAsync(user.Username, secret);
        Assert.True(refusedByEdge.Received("Access-Reject"), refusedByEdge.Output);
        Assert.Equal(StoppedText, refusedByEdge.ReplyMessage);
        Assert.Contains(await _edge.ExchangeLogAsync(), line => line.Contains("reason=edge_stopped", StringComparison.Ordinal));

        // Restart: the edge serves again after its next heartbeat.
        await page.Locator("tr", new() { HasText = edgeId }).Locator("button:has-text('Restart')").ClickAsync();
        await Expect(page.Locator("tr", new() { HasText = edgeId })).ToContainTextAsync("Connected, running", Wait);
        Assert.Contains(await AuditAsync(AuditKinds.RadiusEdgeRestart), e => e.Actor == "root" && e.ClientId == edgeId);
        await WaitForEdgeAsync(stopped: false);
        var again = await RadclientAsync(user.Username, secret);
        Assert.True(again.Received("Access-Accept"), again.Output);
        // The two sides were built apart from the contract: anything of it the edge could not use, it would report.
        Assert.Empty(_edge.Get<EdgeStatus>().RecentErrors());
    }

    private Task<Radclient.Result> RadclientAsync(string username, string secret) =>
        Radclient.AuthAsync(_edge!.Port, secret, Radclient.Pap(username, RadiusBackend.Password), timeoutSeconds: 10, retries: 2);

    /// <summary>The Edges page is drawn on the server: reloaded until the row says <paramref name="text"/> (bounded).</summary>
    private async Task ReloadUntilAsync(IPage page, ILocator row, string text)
    {
        var deadline = DateTimeOffset.UtcNow + 4 * Heartbeat;
        while (true)
        {
            await page.GotoAsync(Url("console/apps/remote-access/edges"));
            if (await row.CountAsync() == 1 && (await row.InnerTextAsync()).Contains(text, StringComparison.Ordinal))
                return;
            if (DateTimeOffset.UtcNow > deadline)
                Assert.Fail($"The Edges page never showed '{text}':\n{await page.Locator("table").InnerTextAsync()}");
            await Task.Delay(500);
        }
    }

    /// <summary>Until the edge has applied what the console wants (it learns it from a heartbeat answer; bounded).</summary>
    private async Task WaitForEdgeAsync(bool stopped)
    {
        var status = _edge!.Get<EdgeStatus>();
        var deadline = DateTimeOffset.UtcNow + 4 * Heartbeat;
        while (status.Stopped != stopped)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"The edge is still {(stopped ? "running" : "stopped")} after {4 * Heartbeat}.");
            await Task.Delay(200);
        }
    }

    private async Task<IReadOnlyList<AuditEvent>> AuditAsync(string kind)
    {
        var list = new List<AuditEvent>();
        await foreach (var e in _backend.Get<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Kind == kind)
                list.Add(e);
        return list;
    }
}
