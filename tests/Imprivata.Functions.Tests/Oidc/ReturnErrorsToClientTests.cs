using System.Net;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// Authorization errors of a known client with a registered redirect URI go back to it with error, error_description, state
/// and iss (RFC 6749 4.1.2.1, RFC 7636 4.4.1, RFC 9207), in the request's response mode, whichever check found them; only an
/// unknown client or an untrusted redirect URI stops on our page (AuthorizeEndpointTests, PublicOriginTests).
/// </summary>
public sealed class ReturnErrorsToClientTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    public static TheoryData<string, string?, string> Errors() => new()
    {
        // parameter, value (null: removed), the error the client receives
        { "code_challenge", null, "invalid_request" },                // the app requires PKCE (RFC 7636 4.4.1)
        { "code_challenge_method", "plain", "invalid_request" },      // S256 only (RFC 7636 4.4.1)
        { "code_challenge_method", "S512", "invalid_request" },
        { "response_type", "token", "unsupported_response_type" },     // RFC 6749 4.1.2.1
        { "response_type", "nonsense", "unsupported_response_type" },
        { "scope", "openid not-a-scope", "invalid_scope" },
        { "prompt", "none login", "invalid_request" },                // OIDC Core 3.1.2.1: none with any other value
        { "prompt", "bogus", "invalid_request" },
        { "max_age", "-1", "invalid_request" },                       // OIDC Core 3.1.2.1: a non-negative integer
        { "max_age", "ten", "invalid_request" },
        { "request", "eyJhbGciOiJub25lIn0.e30.", "request_not_supported" }, // OIDC Core 6.1
        { "response_mode", "bogus", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Authorize_InvalidRequestOfAKnownClient_ErrorRedirectedWithStateAndIss(string parameter, string? value, string error)
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest().With(parameter, value);

        var response = await browser.AuthorizeAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(response));
        Assert.Equal(OidcFixture.RedirectUri.GetLeftPart(UriPartial.Path), answer.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal(error, answer.Error);
        Assert.False(string.IsNullOrEmpty(answer.Values.GetValueOrDefault("error_description")));
        Assert.Equal(request.Parameters["state"], answer.State);
        Assert.Equal(fx.Issuer, answer.Iss);
        Assert.Null(answer.Code);
        Assert.False(answer.Values.ContainsKey("error_uri"));
    }

    [Fact]
    public async Task Authorize_UnsupportedResponseMode_ErrorInTheQuery()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("response_mode", "bogus"));
        var location = new Uri(OidcFlow.LocationOf(response));
        Assert.Contains("error=invalid_request", location.Query);
        Assert.Empty(location.Fragment);
    }

    [Fact]
    public async Task Authorize_ErrorWithFragmentResponseMode_ErrorInTheFragment()
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest().With("response_mode", "fragment").With("code_challenge", null);

        var location = new Uri(OidcFlow.LocationOf(await browser.AuthorizeAsync(request)));

        Assert.Empty(location.Query);
        var answer = OidcFlow.ResponseAt(location.OriginalString);
        Assert.Equal(("invalid_request", request.Parameters["state"], fx.Issuer), (answer.Error, answer.State, answer.Iss));
    }

    [Fact]
    public async Task Authorize_ErrorWithFormPostResponseMode_PostedToTheClient()
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest().With("response_mode", "form_post").With("scope", "openid not-a-scope");

        var response = await browser.AuthorizeAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("action=\"" + OidcFixture.RedirectUri + "\"", html);
        Assert.Equal("invalid_scope", OidcFlow.HiddenField(html, "error"));
        Assert.Equal(request.Parameters["state"], OidcFlow.HiddenField(html, "state"));
        Assert.Equal(fx.Issuer, OidcFlow.HiddenField(html, "iss"));
    }

    [Fact]
    public async Task Authorize_ErrorWithoutRedirectUriOrOpenId_SentToTheOnlyRegisteredUri()
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest("profile").With("redirect_uri", null).With("code_challenge", null);

        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(request)));

        Assert.Equal(OidcFixture.RedirectUri.GetLeftPart(UriPartial.Path), answer.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal("invalid_request", answer.Error);
    }

    [Theory]
    [InlineData("client_id", "no-such-client")]
    [InlineData("redirect_uri", "https://evil.example/cb")]
    [InlineData("redirect_uri", "https://app.example/cb?iss=x")]
    [InlineData("redirect_uri", null)]
    public async Task Authorize_ErrorOfAnUntrustedClientOrRedirectUri_StaysOnOurPage(string parameter, string? value)
    {
        using var browser = fx.NewBrowser();
        // Two errors: the untrusted client or URI, and a missing code_challenge that alone would go back to the client.
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("code_challenge", null).With(parameter, value));
        await AuthorizeEndpointTests.AssertErrorPageAsync(response);
    }

    [Fact]
    public async Task Authorize_HugeMaxAge_MeansNoLimit()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("max_age", "99999999999999999999"));
        Assert.StartsWith("/login?", OidcFlow.LocationOf(response));
    }
}
