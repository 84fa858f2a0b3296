using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>/connect/logout (OIDC RP-Initiated Logout 1.0 sections 2, 3: exact post_logout_redirect_uri, confirmation without a hint, state echoed).</summary>
public sealed class EndSessionTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private async Task<(OidcFlow Browser, string IdToken)> SignedInAsync()
    {
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var tokens = await browser.GetTokensAsync(fx.NewRequest(), user.Username, OidcFixture.Password, fx.Secret);
        return (browser, tokens.IdToken!);
    }

    private static string LogoutUrl(Dictionary<string, string?> parameters) => QueryHelpers.AddQueryString("/connect/logout", parameters);

    private async Task<bool> SessionAliveAsync(OidcFlow browser)
    {
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"));
        return OidcFlow.ResponseAt(OidcFlow.LocationOf(response)).Code is not null;
    }

    [Fact]
    public async Task Logout_HintAndRegisteredUri_RedirectsWithStateAndEndsSession()
    {
        var (browser, idToken) = await SignedInAsync();
        var response = await browser.GetAsync(LogoutUrl(new()
        {
            ["id_token_hint"] = idToken,
            ["post_logout_redirect_uri"] = OidcFixture.PostLogoutUri.ToString(),
            ["state"] = "bye <&> state",
        }));
        var location = new Uri(OidcFlow.LocationOf(response));
        Assert.Equal(OidcFixture.PostLogoutUri, new Uri(location.GetLeftPart(UriPartial.Path)));
        Assert.Equal("bye <&> state", QueryHelpers.ParseQuery(location.Query)["state"].ToString());
        Assert.False(await SessionAliveAsync(browser));
        // The SSO session is gone: authorize sends the browser to the login page again.
        Assert.StartsWith("/login?", OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest())));
    }

    [Theory]
    [InlineData("https://app.example/signed-out/")]
    [InlineData("https://app.example/signed-out?x=1")]
    [InlineData("https://app.example/SIGNED-OUT")]
    [InlineData("http://app.example/signed-out")]
    [InlineData("https://app.example.evil.com/signed-out")]
    [InlineData("https://evil.example/")]
    public async Task Logout_UnregisteredPostLogoutUri_ErrorPageAndSessionKept(string uri)
    {
        var (browser, idToken) = await SignedInAsync();
        var response = await browser.GetAsync(LogoutUrl(new() { ["id_token_hint"] = idToken, ["post_logout_redirect_uri"] = uri }));
        await AuthorizeEndpointTests.AssertErrorPageAsync(response);
        Assert.True(await SessionAliveAsync(browser));
    }

    [Fact]
    public async Task Logout_UriRegisteredForAnotherClientWithThisClientsHint_ErrorPage()
    {
        var (browser, idToken) = await SignedInAsync();
        var response = await browser.GetAsync(LogoutUrl(new()
        {
            ["id_token_hint"] = idToken,
            ["post_logout_redirect_uri"] = OidcFixture.OtherPostLogoutUri.ToString(),
        }));
        await AuthorizeEndpointTests.AssertErrorPageAsync(response);
        Assert.True(await SessionAliveAsync(browser));
    }

    [Fact]
    public async Task Logout_ClientIdDisagreesWithHint_ErrorPage()
    {
        var (browser, idToken) = await SignedInAsync();
        var response = await browser.GetAsync(LogoutUrl(new()
        {
            ["id_token_hint"] = idToken,
            ["client_id"] = OidcFixture.OtherClientId,
            ["post_logout_redirect_uri"] = OidcFixture.OtherPostLogoutUri.ToString(),
        }));
        await AuthorizeEndpointTests.AssertErrorPageAsync(response);
        Assert.True(await SessionAliveAsync(browser));
    }

    [Fact]
    public async Task Logout_NoHint_ConfirmationPageAndSessionKept()
    {
        var (browser, _) = await SignedInAsync();
        var response = await browser.GetAsync(LogoutUrl(new()
        {
            ["client_id"] = OidcFixture.ClientId,
            ["post_logout_redirect_uri"] = OidcFixture.PostLogoutUri.ToString(),
            ["state"] = "s1",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/connect/logout\"", html);
        Assert.NotNull(OidcFlow.HiddenField(html, "csrf"));
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(await SessionAliveAsync(browser));
    }

    [Fact]
    public async Task Logout_ConfirmedPostWithCsrf_EndsSessionAndEchoesState()
    {
        var (browser, _) = await SignedInAsync();
        var page = await browser.GetAsync(LogoutUrl(new()
        {
            ["client_id"] = OidcFixture.ClientId,
            ["post_logout_redirect_uri"] = OidcFixture.PostLogoutUri.ToString(),
            ["state"] = "s2",
        }));
        var html = await page.Content.ReadAsStringAsync();
        var fields = new[] { "confirm", "csrf", "client_id", "post_logout_redirect_uri", "state" }
            .Select(n => KeyValuePair.Create(n, OidcFlow.HiddenField(html, n) ?? throw new Xunit.Sdk.XunitException("no field " + n)));
        var response = await browser.PostFormAsync("/connect/logout", fields);
        var location = new Uri(OidcFlow.LocationOf(response));
        Assert.Equal(OidcFixture.PostLogoutUri, new Uri(location.GetLeftPart(UriPartial.Path)));
        Assert.Equal("s2", QueryHelpers.ParseQuery(location.Query)["state"].ToString());
        Assert.False(await SessionAliveAsync(browser));
        Assert.StartsWith("/login?", OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest())));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("forged-token-value-forged-token-value-1234")]
    public async Task Logout_ConfirmedPostWithoutValidCsrf_SessionKept(string? csrf)
    {
        var (browser, _) = await SignedInAsync();
        var form = new Dictionary<string, string> { ["confirm"] = "yes", ["client_id"] = OidcFixture.ClientId };
        if (csrf is not null)
            form["csrf"] = csrf;
        var response = await browser.PostFormAsync("/connect/logout", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the confirmation page again
        Assert.True(await SessionAliveAsync(browser));
    }

    [Fact]
    public async Task Logout_WithoutPostLogoutUri_OurSignedOutPage()
    {
        var (browser, idToken) = await SignedInAsync();
        var response = await browser.GetAsync(LogoutUrl(new() { ["id_token_hint"] = idToken }));
        Assert.Equal("/login/signed-out", OidcFlow.LocationOf(response));
        Assert.False(await SessionAliveAsync(browser));
    }
}
