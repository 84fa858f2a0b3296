using System.Net;
using System.Text.Json;
using Imprivata.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// Errors OpenIddict decides by itself are audited (every decision, and every bad input, leaves an audit event), once per
/// request, with the client and request id and never the code, token or secret; refresh and client_credentials grants too.
/// </summary>
public sealed class OidcErrorAuditTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    [Fact]
    public async Task ReusedCode_AuditedAsInvalidGrant_WithoutTheCode()
    {
        var since = DateTimeOffset.UtcNow;
        var (browser, request, code, user) = await CodeAsync();
        Assert.Equal(HttpStatusCode.OK, (await browser.RedeemAsync(request, code, fx.Secret)).Status);

        Assert.Equal("invalid_grant", (await browser.RedeemAsync(request, code, fx.Secret)).Error);

        var events = await EventsSinceAsync(since);
        var refused = Assert.Single(events, e => e.Kind == "oidc.token" && e.Result == AuditResults.Failure);
        Assert.Equal(("invalid_grant", OidcFixture.ClientId), (refused.Reason, refused.ClientId));
        Assert.Contains("grant=authorization_code", refused.Detail);
        Assert.False(string.IsNullOrEmpty(refused.RequestId));
        Assert.DoesNotContain(code, JsonSerializer.Serialize(events));
        _ = user;
    }

    [Fact]
    public async Task WrongClientSecret_AuditedAsInvalidClient_WithoutTheSecret()
    {
        var since = DateTimeOffset.UtcNow;
        using var browser = fx.NewBrowser();
        const string Guess = "guessed-secret-0123456789";

        Assert.Equal("invalid_client", (await browser.ClientCredentialsAsync(OidcFixture.ClientId, Guess)).Error);

        var events = await EventsSinceAsync(since);
        var refused = Assert.Single(events, e => e.Kind == "oidc.token");
        Assert.Equal((AuditResults.Failure, "invalid_client", OidcFixture.ClientId), (refused.Result, refused.Reason, refused.ClientId));
        Assert.DoesNotContain(Guess, JsonSerializer.Serialize(events));
    }

    [Fact]
    public async Task BadAccessTokenAtUserInfo_AndWrongSecretAtRevocation_Audited()
    {
        var since = DateTimeOffset.UtcNow;
        using var browser = fx.NewBrowser();
        using var http = new HttpClient { BaseAddress = fx.Service.BaseUri };

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.UserInfoAsync("not-a-token")).StatusCode);
        var revocation = await http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = "whatever", ["client_id"] = OidcFixture.ClientId, ["client_secret"] = "not-the-secret",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, revocation.StatusCode);

        var events = await EventsSinceAsync(since);
        Assert.Contains(events, e => e.Kind == "oidc.userinfo" && e.Result == AuditResults.Failure && e.Reason == "invalid_token");
        Assert.Contains(events, e => e.Kind == "oidc.revocation" && e.Result == AuditResults.Failure && e.Reason == "invalid_client" && e.ClientId == OidcFixture.ClientId);
        Assert.DoesNotContain("not-the-secret", JsonSerializer.Serialize(events));
    }

    [Fact]
    public async Task ErrorShownOnOurErrorPage_IsAuditedOnce()
    {
        var since = DateTimeOffset.UtcNow;
        using var browser = fx.NewBrowser();

        var response = await browser.AuthorizeAsync(fx.NewRequest().With("code_challenge_method", "plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = Assert.Single(await EventsSinceAsync(since), e => e.Kind == "oidc.authorize");
        Assert.Equal(AuditResults.Failure, refused.Result);
    }

    [Fact]
    public async Task OurOwnRefusal_IsAuditedOnce()
    {
        var since = DateTimeOffset.UtcNow;
        using var browser = fx.NewBrowser();

        var response = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"))));

        Assert.Equal("login_required", response.Error);
        var refused = Assert.Single(await EventsSinceAsync(since), e => e.Kind == "oidc.authorize");
        Assert.Equal(AuditReasons.LoginRequired, refused.Reason);
    }

    [Fact]
    public async Task RefreshAndClientCredentials_AuditedAsDecisions_ReplayAsFailure()
    {
        var since = DateTimeOffset.UtcNow;
        var (browser, request, code, user) = await CodeAsync();
        var first = await browser.RedeemAsync(request, code, fx.Secret);
        var second = await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ClientCredentialsAsync(OidcFixture.OtherClientId, fx.OtherSecret)).Status);
        await Task.Delay(5); // a replay comes later than the rotation it replays
        Assert.Equal("invalid_grant", (await browser.RefreshAsync(first.RefreshToken!, OidcFixture.ClientId, fx.Secret)).Error);

        var tokens = (await EventsSinceAsync(since)).Where(e => e.Kind == "oidc.token").ToList();
        Assert.Contains(tokens, e => e.Result == AuditResults.Success && e.UserId == user && e.ClientId == OidcFixture.ClientId && e.Detail == "refresh_token");
        Assert.Contains(tokens, e => e.Result == AuditResults.Success && e.ClientId == OidcFixture.OtherClientId && e.Detail == "client_credentials");
        Assert.Contains(tokens, e => e.Result == AuditResults.Failure && e.Reason == "invalid_grant" && e.Detail!.Contains("grant=refresh_token"));
        Assert.DoesNotContain(tokens, e => e.Result == AuditResults.Success && e.Detail == "authorization_code");
        var everything = JsonSerializer.Serialize(tokens);
        Assert.DoesNotContain(first.RefreshToken!, everything);
        Assert.DoesNotContain(second.RefreshToken!, everything);
    }

    private async Task<(OidcFlow Browser, AuthorizeRequest Request, string Code, string UserId)> CodeAsync()
    {
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        return (browser, request, await browser.GetCodeAsync(request, user.Username, OidcFixture.Password), user.Id);
    }

    private async Task<List<AuditEvent>> EventsSinceAsync(DateTimeOffset since)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in fx.Service.Services.GetRequiredService<IAuditLog>().QueryAsync(since.AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Time >= since)
                events.Add(e);
        return events;
    }
}
