using System.Net;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>/connect/token: code single use and binding, PKCE verifier rules, grant types, no-store, refresh rotation and revocation.</summary>
public sealed class TokenEndpointTests : IClassFixture<ClockedOidcFixture>
{
    private readonly ClockedOidcFixture fx;

    public TokenEndpointTests(ClockedOidcFixture fixture)
    {
        fx = fixture;
        fx.SyncToRealTime();
    }

    private async Task<(OidcFlow Browser, AuthorizeRequest Request, string Code)> CodeAsync(string? scope = null)
    {
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var request = scope is null ? fx.NewRequest() : fx.NewRequest(scope);
        return (browser, request, await browser.GetCodeAsync(request, user.Username, OidcFixture.Password));
    }

    private static void AssertError(TokenResponse response, params string[] errors)
    {
        Assert.True(response.Status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"status {(int)response.Status}, error {response.Error}");
        Assert.True(errors.Contains(response.Error), $"error {response.Json}");
        Assert.Null(response.AccessToken);
    }

    [Fact]
    public async Task Code_RedeemedOnce_TokensWithNoStore()
    {
        var (browser, request, code) = await CodeAsync();
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.NotNull(tokens.AccessToken);
        Assert.NotNull(tokens.IdToken);
        Assert.NotNull(tokens.RefreshToken);
        Assert.True(tokens.Http.Headers.CacheControl?.NoStore, "Cache-Control: no-store (RFC 6749 5.1)");
    }

    [Fact]
    public async Task Code_ErrorResponse_NoStore()
    {
        var (browser, request, code) = await CodeAsync();
        var wrong = await browser.RedeemAsync(request, code, fx.Secret, verifier: OidcFlow.NewVerifier());
        Assert.True(wrong.Http.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Code_UserCreatedInTheSameSecondAsLogin_Redeems()
    {
        // The clock stands at .500 of a second: user creation (credentials changed) and login share that second.
        var (browser, request, code) = await CodeAsync();
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
    }

    [Fact]
    public async Task Code_SecondUse_InvalidGrantAndFirstTokensRevoked()
    {
        var (browser, request, code) = await CodeAsync();
        var first = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.UserInfoAsync(first.AccessToken!)).StatusCode);

        AssertError(await browser.RedeemAsync(request, code, fx.Secret), "invalid_grant");

        // RFC 6749 4.1.2 / RFC 9700 4.5.3: the tokens issued for that code are revoked.
        AssertError(await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.UserInfoAsync(first.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task Code_ReplayedWithAMalformedVerifier_StillRevokesTheFirstTokens()
    {
        var (browser, request, code) = await CodeAsync();
        var first = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        AssertError(await browser.RedeemAsync(request, code, fx.Secret, verifier: "short"), "invalid_grant");

        AssertError(await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
    }

    [Fact]
    public async Task Code_After61Seconds_InvalidGrant()
    {
        // RFC 9700 4.2.1 / OIDC Core 3.1.2.1 lifetime <= 60 s (the service's clock moves; JWT libraries' own clocks never see it).
        var (browser, request, code) = await CodeAsync();
        fx.Clock!.Advance(TimeSpan.FromSeconds(61));
        AssertError(await browser.RedeemAsync(request, code, fx.Secret), "invalid_grant");
    }

    [Fact]
    public async Task Code_After59Seconds_StillRedeems()
    {
        var (browser, request, code) = await CodeAsync();
        fx.Clock!.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, (await browser.RedeemAsync(request, code, fx.Secret)).Status);
    }

    [Fact]
    public async Task Code_TwoConcurrentRedemptions_ExactlyOneSucceeds()
    {
        var (browser, request, code) = await CodeAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => browser.RedeemAsync(request, code, fx.Secret)));
        Assert.Equal(1, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => AssertError(r, "invalid_grant"));
    }

    [Fact]
    public async Task Code_RedeemedByAnotherClient_InvalidGrant()
    {
        var (browser, request, code) = await CodeAsync();
        var stolen = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = request.RedirectUri,
            ["code_verifier"] = request.Verifier,
            ["client_id"] = OidcFixture.OtherClientId,
            ["client_secret"] = fx.OtherSecret,
        });
        AssertError(stolen, "invalid_grant");
    }

    [Theory]
    [InlineData("https://app.example/cb/")]
    [InlineData("https://app.example/other")]
    [InlineData("https://other.example/cb")]
    public async Task Code_WithAnotherRedirectUri_InvalidGrant(string redirectUri)
    {
        var (browser, request, code) = await CodeAsync();
        AssertError(await browser.RedeemAsync(request.With("redirect_uri", redirectUri), code, fx.Secret), "invalid_grant");
    }

    [Fact]
    public async Task Code_WithoutRedirectUri_InvalidRequest()
    {
        var (browser, request, code) = await CodeAsync();
        var response = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["code_verifier"] = request.Verifier,
            ["client_id"] = OidcFixture.ClientId,
            ["client_secret"] = fx.Secret,
        });
        AssertError(response, "invalid_request", "invalid_grant");
    }

    [Fact]
    public async Task Code_WrongClientSecret_InvalidClient()
    {
        var (browser, request, code) = await CodeAsync();
        var response = await browser.RedeemAsync(request, code, "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_client", response.Error);
    }

    [Fact]
    public async Task Verifier_Missing_InvalidGrant()
    {
        var (browser, request, code) = await CodeAsync();
        var response = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = request.RedirectUri,
            ["client_id"] = OidcFixture.ClientId,
            ["client_secret"] = fx.Secret,
        });
        AssertError(response, "invalid_grant"); // the code was issued for a challenge: without its verifier the grant does not verify
    }

    [Fact]
    public async Task Verifier_Wrong_InvalidGrant()
    {
        var (browser, request, code) = await CodeAsync();
        AssertError(await browser.RedeemAsync(request, code, fx.Secret, verifier: OidcFlow.NewVerifier()), "invalid_grant");
    }

    [Fact]
    public async Task Verifier_TheChallengeItself_InvalidGrant()
    {
        var (browser, request, code) = await CodeAsync();
        AssertError(await browser.RedeemAsync(request, code, fx.Secret, verifier: request.Parameters["code_challenge"]), "invalid_grant");
    }

    [Theory]
    [InlineData(42)]
    [InlineData(129)]
    [InlineData(1)]
    public async Task Verifier_LengthOutside43To128MatchingItsChallenge_Rejected(int length)
    {
        // RFC 7636 4.1: 43..128 characters. The challenge is computed from the bad verifier, so only the length rule can stop it.
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var verifier = new string('a', length);
        var request = fx.NewRequest().With("code_challenge", OidcFlow.ChallengeOf(verifier));
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
        AssertError(await browser.RedeemAsync(request, code, fx.Secret, verifier: verifier), "invalid_grant");
    }

    [Fact]
    public async Task Verifier_WithCharactersOutsideTheAlphabet_Rejected()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var verifier = new string('a', 42) + "+";
        var request = fx.NewRequest().With("code_challenge", OidcFlow.ChallengeOf(verifier));
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
        AssertError(await browser.RedeemAsync(request, code, fx.Secret, verifier: verifier), "invalid_grant");
    }

    [Fact]
    public async Task Verifier_Of43And128Characters_Accepted()
    {
        foreach (var length in new[] { 43, 128 })
        {
            var user = await fx.NewUserAsync();
            using var browser = fx.NewBrowser();
            var verifier = new string('x', length - 2) + "-~";
            var request = fx.NewRequest().With("code_challenge", OidcFlow.ChallengeOf(verifier));
            var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
            Assert.Equal(HttpStatusCode.OK, (await browser.RedeemAsync(request, code, fx.Secret, verifier: verifier)).Status);
        }
    }

    [Fact]
    public async Task GrantType_Password_Unsupported()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var response = await browser.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = user.Username,
            ["password"] = OidcFixture.Password,
            ["client_id"] = OidcFixture.ClientId,
            ["client_secret"] = fx.Secret,
            ["scope"] = "openid",
        });
        AssertError(response, "unsupported_grant_type");
    }

    [Fact]
    public async Task ClientCredentials_RightSecret_AccessToken()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.ClientCredentialsAsync(OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.NotNull(response.AccessToken);
        Assert.Null(response.RefreshToken);
        Assert.True(response.Http.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("not-the-secret")]
    [InlineData("")]
    public async Task ClientCredentials_WrongSecret_InvalidClient(string secret)
    {
        using var browser = fx.NewBrowser();
        var response = await browser.ClientCredentialsAsync(OidcFixture.ClientId, secret);
        Assert.Contains(response.Status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest });
        Assert.Contains(response.Error, new[] { "invalid_client", "invalid_request" });
        Assert.Null(response.AccessToken);
    }

    [Fact]
    public async Task ClientCredentials_OtherClientsSecret_InvalidClient()
    {
        using var browser = fx.NewBrowser();
        var response = await browser.ClientCredentialsAsync(OidcFixture.ClientId, fx.OtherSecret);
        Assert.Equal("invalid_client", response.Error);
    }

    [Fact]
    public async Task Refresh_Rotates_NewTokenWorks()
    {
        var (browser, request, code) = await CodeAsync();
        var first = await browser.RedeemAsync(request, code, fx.Secret);
        var second = await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.True(second.Http.Headers.CacheControl?.NoStore);
        var third = await browser.RefreshAsync(second.RefreshToken!, OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, third.Status);
    }

    [Fact]
    public async Task Refresh_ReplayOfRotatedToken_FailsAndRevokesFamily()
    {
        var (browser, request, code) = await CodeAsync();
        var first = await browser.RedeemAsync(request, code, fx.Secret);
        var second = await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, second.Status);

        // RFC 9700 4.14.2: a replayed refresh token means it leaked; the whole family dies. (The clock stands still in these
        // tests; in life time always passes between two requests.)
        fx.Clock!.Advance(TimeSpan.FromMilliseconds(1));
        AssertError(await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
        AssertError(await browser.RefreshAsync(second.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
    }

    [Fact]
    public async Task Refresh_AnotherClientsToken_InvalidGrant()
    {
        var (browser, request, code) = await CodeAsync();
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        AssertError(await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.OtherClientId, fx.OtherSecret), "invalid_grant");
    }

    [Fact]
    public async Task Refresh_WiderScope_InvalidScope()
    {
        var (browser, request, code) = await CodeAsync("openid profile offline_access");
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        AssertError(await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret, scope: "openid profile email offline_access"), "invalid_scope");
    }

    [Fact]
    public async Task Refresh_NarrowerScope_Allowed()
    {
        var (browser, request, code) = await CodeAsync();
        var tokens = await browser.RedeemAsync(request, code, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, (await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret, scope: "openid offline_access")).Status);
    }

    [Fact]
    public async Task Refresh_AfterPasswordChange_Fails()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var tokens = await browser.RedeemAsync(request, await browser.GetCodeAsync(request, user.Username, OidcFixture.Password), fx.Secret);
        fx.Clock!.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await fx.Directory.SetPasswordAsync(user.Id, "another long passphrase 9", CancellationToken.None)).Succeeded);
        AssertError(await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
    }

    [Fact]
    public async Task Refresh_PasswordChangeInTheSameSecondAfterLogin_Fails()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        fx.Clock!.Advance(TimeSpan.FromMilliseconds(100));
        var tokens = await browser.RedeemAsync(request, await browser.GetCodeAsync(request, user.Username, OidcFixture.Password), fx.Secret);
        fx.Clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True((await fx.Directory.SetPasswordAsync(user.Id, "another long passphrase 9", CancellationToken.None)).Succeeded);
        AssertError(await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
    }

    [Fact]
    public async Task Refresh_AfterUserDisabled_Fails()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var tokens = await browser.RedeemAsync(request, await browser.GetCodeAsync(request, user.Username, OidcFixture.Password), fx.Secret);
        Assert.True((await fx.Directory.SetEnabledAsync(user.Id, false, CancellationToken.None)).Succeeded);
        AssertError(await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret), "invalid_grant");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.UserInfoAsync(tokens.AccessToken!)).StatusCode);
    }
}
