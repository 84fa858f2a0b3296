using System.Net;
using Imprivata.Core.Settings;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Login;

/// <summary>
/// The administrator's "log out user sessions after" setting (reference: 30 minutes to 4 days, or off; default 2 hours) ends
/// the SSO session: after it, every app's authorization request goes back to the password page.
/// </summary>
public sealed class SsoSessionTimeoutTests(ClockedOidcFixture fx) : IClassFixture<ClockedOidcFixture>
{
    private ISettingsStore Settings => fx.Service.Services.GetRequiredService<ISettingsStore>();

    private async Task<OidcFlow> SignedInAsync(TimeSpan? timeout)
    {
        fx.SyncToRealTime();
        await Settings.SaveWebLoginAsync(await Settings.GetWebLoginAsync(CancellationToken.None) with { SessionTimeout = timeout }, CancellationToken.None);
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var first = await browser.AuthorizeWithSignInAsync(fx.NewRequest(), user.Username, OidcFixture.Password);
        Assert.NotNull(first.Code);
        return browser;
    }

    private static bool SentToLogin(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && OidcFlow.LocationOf(response).StartsWith("/login", StringComparison.Ordinal);

    [Fact]
    public async Task DefaultTwoHours_SessionAnswersBeforeAndNotAfter()
    {
        using var browser = await SignedInAsync(TimeSpan.FromHours(2));
        fx.Clock!.Advance(TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1));
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewOtherRequest()))).Code);
        fx.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True(SentToLogin(await browser.AuthorizeAsync(fx.NewOtherRequest())));
    }

    [Fact]
    public async Task ThirtyMinutes_EndsAfterThirtyMinutes()
    {
        using var browser = await SignedInAsync(TimeSpan.FromMinutes(30));
        fx.Clock!.Advance(TimeSpan.FromMinutes(31));
        Assert.True(SentToLogin(await browser.AuthorizeAsync(fx.NewRequest())));
    }

    [Fact]
    public async Task Off_SessionStillAnswersAfterFiveDays()
    {
        using var browser = await SignedInAsync(null);
        fx.Clock!.Advance(TimeSpan.FromDays(5));
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewRequest()))).Code);
    }
}
