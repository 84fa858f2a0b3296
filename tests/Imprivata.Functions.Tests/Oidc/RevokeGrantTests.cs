using System.Net;
using Imprivata.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// /connect/revoke (RFC 7009): revoking an access token or a refresh token ends the grant, so userinfo refuses its access
/// tokens and its refresh token gets nothing more (section 2.1); other grants of the same user go on.
/// </summary>
public sealed class RevokeGrantTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private async Task<HttpResponseMessage> RevokeAsync(string token, string? hint = null)
    {
        using var http = new HttpClient { BaseAddress = fx.Service.BaseUri };
        var form = new Dictionary<string, string> { ["token"] = token, ["client_id"] = OidcFixture.ClientId, ["client_secret"] = fx.Secret };
        if (hint is not null)
            form["token_type_hint"] = hint;
        return await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(form));
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    public async Task Revoke_EitherToken_EndsTheGrantsAccessAndRefreshTokens(string which)
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var tokens = await browser.GetTokensAsync(fx.NewRequest(), user.Username, OidcFixture.Password, fx.Secret);
        var other = await browser.GetTokensAsync(fx.NewRequest(), user.Username, OidcFixture.Password, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, (await browser.UserInfoAsync(tokens.AccessToken!)).StatusCode);
        var since = DateTimeOffset.UtcNow;

        var revoked = await RevokeAsync(which == "access_token" ? tokens.AccessToken! : tokens.RefreshToken!, which);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.UserInfoAsync(tokens.AccessToken!)).StatusCode);
        Assert.Equal("invalid_grant", (await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret)).Error);
        // Another sign-in's grant is not this one.
        Assert.Equal(HttpStatusCode.OK, (await browser.UserInfoAsync(other.AccessToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.RefreshAsync(other.RefreshToken!, OidcFixture.ClientId, fx.Secret)).Status);

        var events = new List<AuditEvent>();
        await foreach (var e in fx.Service.Services.GetRequiredService<IAuditLog>().QueryAsync(since.AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            events.Add(e);
        Assert.Contains(events, e => e.Kind == AuditKinds.OidcRevocation && e.Result == AuditResults.Success && e.UserId == user.Id && e.ClientId == OidcFixture.ClientId);
    }

    [Fact]
    public async Task Revoke_TokenForAnApi_UnsupportedTokenTypeAndItsRefreshTokenEndsTheGrant()
    {
        const string api = "https://revocation.example/api";
        using (var scope = fx.Service.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<Imprivata.Functions.Oidc.ApiResources>().AddAsync(api, "Revocation API", default);
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var tokens = await browser.GetTokensAsync(fx.NewRequest().With("resource", api), user.Username, OidcFixture.Password, fx.Secret);

        // The API's token names no grant (no internal claims reach an API): nothing to revoke it by.
        var response = await RevokeAsync(tokens.AccessToken!, "access_token");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unsupported_token_type", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(tokens.RefreshToken!, "refresh_token")).StatusCode);
        Assert.Equal("invalid_grant", (await browser.RefreshAsync(tokens.RefreshToken!, OidcFixture.ClientId, fx.Secret)).Error);
    }

    [Fact]
    public async Task Revoke_ClientCredentialsToken_UnsupportedTokenType()
    {
        using var browser = fx.NewBrowser();
        var token = (await browser.ClientCredentialsAsync(OidcFixture.ClientId, fx.Secret)).AccessToken!;
        var response = await RevokeAsync(token);
        // RFC 7009 2.2.1: a token the server cannot revoke (no stored grant) is answered unsupported_token_type.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unsupported_token_type", await response.Content.ReadAsStringAsync());
    }
}
