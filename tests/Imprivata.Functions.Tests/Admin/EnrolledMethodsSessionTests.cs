using System.Net;
using System.Net.Http.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>A reset of a user's enrolled methods ends their SSO session, like a password change: whoever holds the lost device
/// cannot ride the browser session that already exists.</summary>
public sealed class EnrolledMethodsSessionTests(ClockedOidcFixture fx) : IClassFixture<ClockedOidcFixture>
{
    [Fact]
    public async Task Reset_SessionCookieFromBefore_NoLongerAnswersAuthorize()
    {
        fx.SyncToRealTime();
        await fx.Service.AddUserAsync("helpdesk1", OidcFixture.Password, role: AdminRole.Helpdesk);
        var user = await fx.NewUserAsync();
        await fx.Service.Services.GetRequiredService<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = DirectoryService.NewId(), UserId = user.Id, Factor = Factor.Push, Label = "lost phone", Confirmed = true,
        }, default);
        using var browser = fx.NewBrowser();
        Assert.NotNull((await browser.AuthorizeWithSignInAsync(fx.NewRequest(), user.Username, OidcFixture.Password)).Code);
        // The session answers a second app without the password.
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewOtherRequest()))).Code);

        fx.Clock!.Advance(TimeSpan.FromSeconds(5));
        using var desk = new AdminClient(fx.Service.BaseUri);
        Assert.Equal(HttpStatusCode.SeeOther, (await desk.PostLoginAsync("helpdesk1", OidcFixture.Password)).StatusCode);
        desk.Csrf = (await desk.Http.GetFromJsonAsync<AdminHost.SessionView>("/console/api/session"))!.CsrfToken;
        Assert.Equal(HttpStatusCode.OK, (await desk.SendAsync(HttpMethod.Post, $"/console/api/users/{user.Id}/methods/reset")).StatusCode);

        var after = await browser.AuthorizeAsync(fx.NewRequest());
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", OidcFlow.LocationOf(after), StringComparison.Ordinal);
    }
}
