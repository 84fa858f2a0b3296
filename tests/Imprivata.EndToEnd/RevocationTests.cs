using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>
/// RFC 7009 as openid-client uses it: after it revokes a token of a sign-in, userinfo refuses that sign-in's access token
/// and its refresh token gets nothing more (section 2.1: the grant ends).
/// </summary>
public sealed class RevocationTests(RelyingPartyFixture fx) : IClassFixture<RelyingPartyFixture>
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData("refresh_token")]
    [InlineData("access_token")]
    public async Task Revoke_ThroughOpenIdClient_UserinfoAndRefreshRefused(string which)
    {
        var username = "rev-" + which.Replace('_', '-');
        await fx.Service.AddUserAsync(username, Password);
        var page = await (await fx.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(new Uri(fx.Rp.BaseUri, "login").ToString());
        await BrowserSteps.SignInWithPasswordAsync(page, fx.Service, username, Password);
        await BrowserSteps.ArriveAsync(page, new Uri(fx.Rp.BaseUri, "cb**").ToString(), 15_000, fx.Service);
        Assert.True((await BrowserSteps.RelyingPartyResultAsync(page, fx.Rp)).GetProperty("refreshed").GetProperty("rotated").GetBoolean());

        await page.GotoAsync(new Uri(fx.Rp.BaseUri, "revoke?which=" + which).ToString());
        var result = await BrowserSteps.RelyingPartyResultAsync(page, fx.Rp);

        Assert.Equal("invalid_token", result.GetProperty("userinfo").GetString());
        Assert.Equal("invalid_grant", result.GetProperty("refresh").GetString());
        await page.Context.CloseAsync();
    }
}
