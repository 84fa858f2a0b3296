using System.Net;
using Imprivata.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>Errors sent to apps carry no error_uri (OpenIddict's would point at its documentation site); the audit keeps the error id.</summary>
public sealed class OmitErrorUriTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    [Fact]
    public async Task AuthorizeErrorRedirectedToTheApp_HasNoErrorUri()
    {
        using var browser = fx.NewBrowser();

        var response = await browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"));

        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(response));
        Assert.Equal("login_required", answer.Error);
        Assert.True(answer.Values.ContainsKey("error_description"));
        Assert.False(answer.Values.ContainsKey("error_uri"));
    }

    [Fact]
    public async Task TokenErrorResponse_HasNoErrorUri_AuditKeepsTheErrorId()
    {
        var since = DateTimeOffset.UtcNow;
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var code = await browser.GetCodeAsync(request, user.Username, OidcFixture.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.RedeemAsync(request, code, fx.Secret)).Status);

        var replay = await browser.RedeemAsync(request, code, fx.Secret);

        Assert.Equal("invalid_grant", replay.Error);
        Assert.False(replay.Json.TryGetProperty("error_uri", out _));
        var refused = Assert.Single(await EventsSinceAsync(since), e => e.Kind == AuditKinds.OidcToken && e.Result == AuditResults.Failure);
        Assert.Matches(@"(^|;)ID\d{4}$", refused.Detail);
    }

    [Fact]
    public async Task UserInfoChallenge_HasNoErrorUri()
    {
        using var browser = fx.NewBrowser();

        var response = await browser.UserInfoAsync("not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Contains("invalid_token", challenge);
        Assert.DoesNotContain("error_uri", challenge);
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
