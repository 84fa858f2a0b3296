using System.Text.Json;
using Imprivata.Core.Apps;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>
/// Web SSO as a user lives it: a browser, our login page, and two relying parties built on openid-client that verify
/// everything we send (state, iss, nonce, ID token signature via JWKS, userinfo, refresh rotation).
/// </summary>
public sealed class WebSsoTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private TestService _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<RelyingPartyProcess> _rps = [];

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync();
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var rp in _rps)
            await rp.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _service.DisposeAsync();
    }

    private async Task<RelyingPartyProcess> StartRpAsync(string clientId, AppDeployment? deployment = null)
    {
        var baseUri = RelyingPartyProcess.ReserveBaseUri();
        var secret = await _service.AddOidcAppAsync(clientId, [new Uri(baseUri, "cb")], [new Uri(baseUri, "signed-out")], deployment, displayName: clientId + " app",
            backchannelLogoutUri: new Uri(baseUri, "backchannel-logout"));
        var rp = await RelyingPartyProcess.StartAsync(baseUri, _service.Issuer, clientId, secret);
        _rps.Add(rp);
        return rp;
    }

    [Fact]
    public async Task CodeFlow_SsoIntoSecondApp_LogoutEndsBoth()
    {
        var alice = await _service.AddUserAsync("alice", Password, email: "alice@example.org");
        var app1 = await StartRpAsync("app-one");
        var app2 = await StartRpAsync("app-two");
        var page = await (await _browser.NewContextAsync()).NewPageAsync();

        // First app: our login page asks for the password once.
        await page.GotoAsync(new Uri(app1.BaseUri, "login").ToString());
        Assert.StartsWith(_service.Issuer + "login", page.Url);
        Assert.Contains("app-one app", await page.ContentAsync());
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "alice", Password);
        await BrowserSteps.ArriveAsync(page, new Uri(app1.BaseUri, "cb**").ToString(), 15_000, _service);
        var first = await BrowserSteps.RelyingPartyResultAsync(page, app1);
        Assert.Equal(alice.Id, first.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(_service.Issuer, first.GetProperty("claims").GetProperty("iss").GetString());
        Assert.Equal("alice@example.org", first.GetProperty("userinfo").GetProperty("email").GetString());
        Assert.Equal("alice", first.GetProperty("userinfo").GetProperty("preferred_username").GetString());
        Assert.Equal(["pwd"], first.GetProperty("claims").GetProperty("amr").EnumerateArray().Select(e => e.GetString()));
        Assert.True(first.GetProperty("claims").GetProperty("auth_time").GetInt64() > 0);
        Assert.True(first.GetProperty("refreshed").GetProperty("rotated").GetBoolean());

        // Second app in the same browser: no password prompt, same user.
        await page.GotoAsync(new Uri(app2.BaseUri, "login").ToString());
        await BrowserSteps.ArriveAsync(page, new Uri(app2.BaseUri, "cb**").ToString(), 15_000, _service);
        var second = await BrowserSteps.RelyingPartyResultAsync(page, app2);
        Assert.Equal(alice.Id, second.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(first.GetProperty("claims").GetProperty("auth_time").GetInt64(), second.GetProperty("claims").GetProperty("auth_time").GetInt64());

        // RP-initiated logout from the first app, with its id_token_hint: back to its post-logout page with state.
        await page.GotoAsync(new Uri(app1.BaseUri, "logout").ToString());
        await BrowserSteps.ArriveAsync(page, new Uri(app1.BaseUri, "signed-out**").ToString(), 15_000, _service);
        Assert.Equal("bye-state", await page.Locator("#state").InnerTextAsync());

        // The second app was told server to server (back-channel logout token, verified by jose against our JWKS) and ended its
        // own session of alice: the one it joined, by sid.
        var told = await StatusAsync(app2);
        Assert.False(told.GetProperty("signedIn").GetBoolean());
        var logout = told.GetProperty("lastLogout");
        Assert.True(logout.GetProperty("verified").GetBoolean(), logout.ToString());
        Assert.True(logout.GetProperty("endedSession").GetBoolean());
        Assert.Equal(alice.Id, logout.GetProperty("sub").GetString());
        Assert.Equal(second.GetProperty("claims").GetProperty("sid").GetString(), logout.GetProperty("sid").GetString());

        // The SSO session is gone for the second app too: the password is asked again.
        await page.GotoAsync(new Uri(app2.BaseUri, "login").ToString());
        Assert.StartsWith(_service.Issuer + "login", page.Url);
        Assert.Equal(1, await page.Locator("#password").CountAsync());
    }

    private static async Task<JsonElement> StatusAsync(RelyingPartyProcess rp)
    {
        using var http = new HttpClient();
        return JsonDocument.Parse(await http.GetStringAsync(new Uri(rp.BaseUri, "status"))).RootElement.Clone();
    }

    [Fact]
    public async Task WrongPassword_StaysOnLoginWithGenericError()
    {
        await _service.AddUserAsync("bob", Password);
        var app = await StartRpAsync("app-wrong");
        var page = await (await _browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseUri, "login").ToString());
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "bob", "not the password");
        Assert.StartsWith(_service.Issuer + "login", page.Url);
        Assert.Contains("username or password is incorrect", await page.Locator(".error").InnerTextAsync());

        // Unknown user: the very same message.
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "nobody-here", "whatever it is");
        Assert.Contains("username or password is incorrect", await page.Locator(".error").InnerTextAsync());
    }

    [Fact]
    public async Task AppNotDeployedToUser_RelyingPartyGetsAccessDenied()
    {
        await _service.AddUserAsync("carol", Password);
        var app = await StartRpAsync("app-pilot", new AppDeployment { Deployed = true, AllUsersAndGroups = false, UserIds = ["someone-else"] });
        var page = await (await _browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseUri, "login").ToString());
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "carol", Password);
        await BrowserSteps.ArriveAsync(page, new Uri(app.BaseUri, "cb**").ToString(), 15_000, _service);
        Assert.Contains("access_denied", await page.Locator("#error").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#result").CountAsync());
    }
}
