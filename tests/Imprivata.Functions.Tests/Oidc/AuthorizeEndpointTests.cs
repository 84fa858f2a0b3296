using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>/connect/authorize against RFC 6749, RFC 7636, RFC 9207 and OIDC Core: redirect_uri, client, response types, PKCE, prompt, max_age, hints, iss, form_post.</summary>
public sealed class AuthorizeEndpointTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    /// <summary>An error the service must show itself (400 page), never send to a redirect_uri; returns the page's reference code.</summary>
    internal static async Task<string?> AssertErrorPageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var code = Regex.Match(html, "Reference: ([a-z_]+)");
        return code.Success ? code.Groups[1].Value : null;
    }

    /// <summary>The error of an authorization response, wherever the service put it (redirect to the client or its own page).</summary>
    private static async Task<string?> ErrorOfAsync(HttpResponseMessage response)
    {
        if (response.Headers.Location is { } location)
        {
            var answer = OidcFlow.ResponseAt(location.OriginalString);
            Assert.Null(answer.Code);
            Assert.False(answer.Values.ContainsKey("access_token"));
            Assert.False(answer.Values.ContainsKey("id_token"));
            return answer.Error;
        }
        return await AssertErrorPageAsync(response);
    }

    private async Task<OidcFlow> SignedInBrowserAsync(Imprivata.Core.UserDirectory.DirectoryUser user)
    {
        var browser = fx.NewBrowser();
        await browser.GetCodeAsync(fx.NewRequest(), user.Username, OidcFixture.Password);
        return browser;
    }

    [Theory]
    [InlineData("https://app.example/cb/")]
    [InlineData("https://app.example/cb?x=1")]
    [InlineData("https://app.example/cb#f")]
    [InlineData("https://app.example/cb/../x")]
    [InlineData("https://app.example/cb/../cb")]
    [InlineData("https://app.example.evil.com/cb")]
    [InlineData("https://cb.evil.com/cb")]
    [InlineData("https://app.example@evil.com/cb")]
    [InlineData("https://app@evil.com/cb")]
    [InlineData("http://app.example/cb")]
    [InlineData("https://app.example:444/cb")]
    [InlineData("https://app.example:443/cb")]
    [InlineData("https://APP.example/cb")]
    [InlineData("https://app.example/CB")]
    [InlineData("https://app.example%2Fcb")]
    [InlineData("https://app.example/cb%2F")]
    [InlineData("https://app.example%2F@evil.com/cb")]
    [InlineData("https://app.example/%2E%2E/cb")]
    [InlineData("https://evil.com/cb")]
    [InlineData("/cb")]
    public async Task Authorize_RedirectUriNotExactlyRegistered_ErrorPageWithoutRedirect(string redirectUri)
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("redirect_uri", redirectUri));
        await AssertErrorPageAsync(response);
    }

    [Fact]
    public async Task Authorize_RedirectUriOfAnotherClient_ErrorPageWithoutRedirect()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("redirect_uri", OidcFixture.OtherRedirectUri.ToString()));
        await AssertErrorPageAsync(response);
    }

    [Fact]
    public async Task Authorize_ExactRegisteredRedirectUri_RedirectsToLogin()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?returnUrl=", OidcFlow.LocationOf(response));
    }

    [Fact]
    public async Task Authorize_UnknownClientId_ErrorPage()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("client_id", "no-such-client"));
        await AssertErrorPageAsync(response);
    }

    [Fact]
    public async Task Authorize_MissingRedirectUri_ErrorPage()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("redirect_uri", null));
        await AssertErrorPageAsync(response);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("id_token")]
    [InlineData("id_token token")]
    [InlineData("code id_token")]
    [InlineData("code token")]
    public async Task Authorize_ImplicitOrHybridResponseType_Unsupported(string responseType)
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("response_type", responseType));
        var error = await ErrorOfAsync(response);
        Assert.Contains(error, new[] { "unsupported_response_type", "unauthorized_client", "invalid_request" });
    }

    [Fact]
    public async Task Authorize_ImplicitWithoutNonce_Error()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("response_type", "id_token").With("nonce", null));
        Assert.NotNull(await ErrorOfAsync(response));
    }

    [Fact]
    public async Task Authorize_PkcePlain_InvalidRequest()
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var response = await browser.AuthorizeAsync(request.With("code_challenge_method", "plain").With("code_challenge", request.Verifier));
        Assert.Equal("invalid_request", await ErrorOfAsync(response));
    }

    [Fact]
    public async Task Authorize_MissingCodeChallenge_InvalidRequest()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("code_challenge", null).With("code_challenge_method", null));
        Assert.Equal("invalid_request", await ErrorOfAsync(response));
    }

    [Fact]
    public async Task Authorize_CodeChallengeMethodWithoutChallenge_InvalidRequest()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("code_challenge", null));
        Assert.Equal("invalid_request", await ErrorOfAsync(response));
    }

    [Fact]
    public async Task Authorize_PromptNoneWithoutSession_LoginRequiredWithIss()
    {
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest().With("prompt", "none");
        var response = await browser.AuthorizeAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(response));
        Assert.Equal(OidcFixture.RedirectUri.GetLeftPart(UriPartial.Path), answer.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal("login_required", answer.Error);
        Assert.Equal(fx.Issuer, answer.Iss);
        Assert.Equal(request.Parameters["state"], answer.State);
    }

    [Fact]
    public async Task Authorize_PromptNoneWithSession_CodeWithoutUi()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"));
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(response)).Code);
    }

    [Fact]
    public async Task Authorize_PromptLoginWithSession_ShowsLoginThenIssuesCode()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var request = fx.NewRequest().With("prompt", "login");
        var response = await browser.AuthorizeAsync(request);
        Assert.StartsWith("/login?", OidcFlow.LocationOf(response));
        // After signing in again the flow completes (prompt=login is not carried into a loop).
        Assert.NotNull(await browser.GetCodeAsync(request, user.Username, OidcFixture.Password));
    }

    [Fact]
    public async Task Authorize_MaxAgeZeroWithSession_ShowsLogin()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        await Task.Delay(1); // the session is at least a moment old
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("max_age", "0"));
        Assert.StartsWith("/login?", OidcFlow.LocationOf(response));
    }

    [Fact]
    public async Task Authorize_MaxAgeZeroAfterFreshLogin_IssuesCodeWithAuthTime()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var request = fx.NewRequest().With("max_age", "0");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        var idToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.IdToken);
        var authTime = long.Parse(idToken.GetClaim("auth_time").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(authTime, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Authorize_IdTokenHintOfAnotherUser_LoginRequired()
    {
        var alice = await fx.NewUserAsync();
        var bob = await fx.NewUserAsync();
        using var bobBrowser = fx.NewBrowser();
        var bobTokens = await bobBrowser.GetTokensAsync(fx.NewRequest(), bob.Username, OidcFixture.Password, fx.Secret);
        using var aliceBrowser = await SignedInBrowserAsync(alice);

        var response = await aliceBrowser.AuthorizeAsync(fx.NewRequest().With("id_token_hint", bobTokens.IdToken));
        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(response));
        Assert.Equal("login_required", answer.Error);
        Assert.Null(answer.Code);
        Assert.Equal(fx.Issuer, answer.Iss);
    }

    [Theory]
    [InlineData("abc.def.ghi")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c.d.e")]
    public async Task Authorize_MalformedIdTokenHint_ErrorNeverACodeOrServerError(string hint)
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("id_token_hint", hint));
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.NotNull(await ErrorOfAsync(response));
    }

    [Fact]
    public async Task Authorize_IdTokenHintOfSessionUser_IssuesCode()
    {
        var alice = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var tokens = await browser.GetTokensAsync(fx.NewRequest(), alice.Username, OidcFixture.Password, fx.Secret);
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("id_token_hint", tokens.IdToken).With("prompt", "none"));
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(response)).Code);
    }

    [Fact]
    public async Task Authorize_SuccessAndErrors_CarryIss()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        var success = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest())));
        Assert.NotNull(success.Code);
        Assert.Equal(fx.Issuer, success.Iss);

        var loginRequired = OidcFlow.ResponseAt(OidcFlow.LocationOf(await fx.NewBrowser().AuthorizeAsync(fx.NewRequest().With("prompt", "none"))));
        Assert.Equal("login_required", loginRequired.Error);
        Assert.Equal(fx.Issuer, loginRequired.Iss);
    }

    [Fact]
    public async Task Authorize_AppNotDeployedToUser_AccessDeniedWithIss()
    {
        var user = await fx.NewUserAsync();
        var pilot = new Uri("https://pilot.example/cb");
        await fx.Service.AddOidcAppAsync("pilot-app", [pilot], deployment: new Imprivata.Core.Apps.AppDeployment { Deployed = true, AllUsersAndGroups = false });
        using var browser = await SignedInBrowserAsync(user);
        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(OidcFlow.NewRequest("pilot-app", pilot))));
        Assert.Equal("access_denied", answer.Error);
        Assert.Null(answer.Code);
        Assert.Equal(fx.Issuer, answer.Iss);
    }

    [Fact]
    public async Task Authorize_DisabledUsersSessionWithPromptNone_LoginRequiredWithIss()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        await fx.Directory.SetEnabledAsync(user.Id, false, CancellationToken.None);
        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"))));
        Assert.Equal("login_required", answer.Error);
        Assert.Equal(fx.Issuer, answer.Iss);
    }

    [Fact]
    public async Task Authorize_FormPost_AutoPostPageWithEscapedValues()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        const string state = "\"><script>alert(1)</script><x a='";
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("response_mode", "form_post").With("state", state));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form", html);
        Assert.Contains("action=\"" + OidcFixture.RedirectUri + "\"", html);
        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.DoesNotContain("\"><script>", html);
        Assert.Equal(state, OidcFlow.HiddenField(html, "state"));
        Assert.Equal(fx.Issuer, OidcFlow.HiddenField(html, "iss"));
        Assert.NotNull(OidcFlow.HiddenField(html, "code"));
    }

    [Fact]
    public async Task Authorize_FormPostError_EscapedAndCarriesIss()
    {
        using var browser = fx.NewBrowser();
        const string state = "<img src=x onerror=alert(1)>";
        var response = await browser.AuthorizeAsync(fx.NewRequest().With("response_mode", "form_post").With("prompt", "none").With("state", state));
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<img", html);
        Assert.Equal(state, OidcFlow.HiddenField(html, "state"));
        Assert.Equal("login_required", OidcFlow.HiddenField(html, "error"));
        Assert.Equal(fx.Issuer, OidcFlow.HiddenField(html, "iss"));
    }

    [Fact]
    public async Task Authorize_UnknownScope_ErrorNeverACode()
    {
        var user = await fx.NewUserAsync();
        using var browser = await SignedInBrowserAsync(user);
        // Errors OpenIddict finds itself are shown on our page (error passthrough), never redirected with a code.
        Assert.Equal("invalid_scope", await ErrorOfAsync(await browser.AuthorizeAsync(fx.NewRequest("openid not-a-scope"))));
    }

    [Fact]
    public async Task Authorize_ReturnUrlToLogin_IsOurAuthorizeEndpoint()
    {
        using var browser = fx.NewBrowser();
        var location = OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest()));
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, location).Query)["returnUrl"].ToString();
        Assert.StartsWith("/connect/authorize?", returnUrl);
    }
}
