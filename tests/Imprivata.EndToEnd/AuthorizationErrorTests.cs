using System.Text.Json;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>One service, one openid-client relying party and one browser for the authorization error tests.</summary>
public sealed class RelyingPartyFixture : IAsyncLifetime
{
    public TestService Service { get; private set; } = null!;
    public RelyingPartyProcess Rp { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright _playwright = null!;

    public async Task InitializeAsync()
    {
        Service = await TestService.StartAsync();
        var baseUri = RelyingPartyProcess.ReserveBaseUri();
        var secret = await Service.AddOidcAppAsync("errors-app", [new Uri(baseUri, "cb")], [new Uri(baseUri, "signed-out")]);
        Rp = await RelyingPartyProcess.StartAsync(baseUri, Service.Issuer, "errors-app", secret);
        (_playwright, Browser) = await EndToEnd.Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Rp.DisposeAsync();
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Service.DisposeAsync();
    }
}

/// <summary>
/// What an independent relying party (openid-client) receives for a request the provider refuses: the error at its
/// redirect URI, with the state and iss it checks (RFC 6749 4.1.2.1, RFC 7636 4.4.1, RFC 9207), in the response mode it
/// asked for, rather than a user stuck on the provider's error page.
/// </summary>
public sealed class AuthorizationErrorTests(RelyingPartyFixture fx) : IClassFixture<RelyingPartyFixture>
{
    [Theory]
    [InlineData("omit=code_challenge,code_challenge_method", "invalid_request")] // a web server module that sends no PKCE
    [InlineData("code_challenge_method=plain", "invalid_request")]
    [InlineData("response_type=token", "unsupported_response_type")]
    [InlineData("scope=openid%20not-a-scope", "invalid_scope")]
    [InlineData("prompt=none%20login", "invalid_request")]
    [InlineData("max_age=-5", "invalid_request")]
    [InlineData("prompt=none", "login_required")]
    public async Task Refused_ErrorReachesTheRelyingParty_StateAndIssChecked(string query, string error)
    {
        var result = await RefusalAsync(query);
        Assert.Equal(error, result.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("error_description").GetString()));
    }

    [Theory]
    [InlineData("form_post", "POST")]
    [InlineData("fragment", "GET")]
    [InlineData("query", "GET")]
    public async Task Refused_InTheRequestedResponseMode(string mode, string method)
    {
        var result = await RefusalAsync("omit=code_challenge,code_challenge_method&response_mode=" + mode);
        Assert.Equal("invalid_request", result.GetProperty("error").GetString());
        Assert.Equal(method, result.GetProperty("method").GetString());
    }

    private async Task<JsonElement> RefusalAsync(string query)
    {
        var page = await (await fx.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(new Uri(fx.Rp.BaseUri, "login?" + query).ToString());
        await BrowserSteps.ArriveAsync(page, new Uri(fx.Rp.BaseUri, "cb**").ToString(), 15_000, fx.Service);
        await page.Locator("#oauth-error").WaitForAsync(new() { Timeout = 15_000 });
        var text = await page.Locator("#oauth-error").InnerTextAsync();
        await page.Context.CloseAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
