using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Login;

/// <summary>
/// An SSO session that already proved a second factor, used for another app: the policy engine settles it without asking
/// for the factor again, yet every change that must stop it still does (policy, deployment, account).
/// </summary>
public sealed class MfaSessionReuseTests(MfaLoginFixture fx) : IClassFixture<MfaLoginFixture>
{
    private static readonly string[] Otp = ["pwd", "otp", "mfa"];

    /// <summary>A browser whose SSO session holds password + OTP, and its enrolled user.</summary>
    private async Task<(OidcFlow Browser, DirectoryUser User, Enrollment Enrollment)> MfaSessionAsync(EnrollmentRule? rule = null)
    {
        await fx.UseWebSsoAsync([Factor.OtpToken], rule);
        var user = await fx.NewUserAsync();
        var enrollment = await fx.EnrollAsync(user, Factor.OtpToken);
        fx.Codes.Expect(user, "135790");
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        await browser.AuthorizeAsync(request);
        var posted = await browser.SignInAsync(user.Username, OidcFixture.Password, OidcFlow.AuthorizeUrl(request));
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted));
        var page = await browser.GetAsync("/login/mfa/otp");
        var done = await browser.PostFormAsync("/login/mfa/otp", new Dictionary<string, string>
        {
            ["csrf"] = OidcFlow.CsrfOf(await page.Content.ReadAsStringAsync()), ["code"] = "135790",
        });
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code);
        return (browser, user, enrollment);
    }

    private static string? ErrorOf(HttpResponseMessage response) => OidcFlow.ResponseAt(OidcFlow.LocationOf(response)).Error;

    [Fact]
    public async Task MfaSession_AnotherApp_CodeWithoutAskingAgain_EvenWithPromptNone()
    {
        var (browser, _, _) = await MfaSessionAsync();

        var answer = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewOtherRequest().With("prompt", "none"))));

        Assert.NotNull(answer.Code);
        Assert.Null(answer.Error);
    }

    [Fact]
    public async Task MfaSession_PolicyNowAllowsNoFactor_AccessDenied()
    {
        var (browser, user, _) = await MfaSessionAsync();
        await fx.UseWebSsoAsync([]);

        Assert.Equal("access_denied", ErrorOf(await browser.AuthorizeAsync(fx.NewOtherRequest())));
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == AuditKinds.OidcAuthorize && e.UserId == user.Id && e.Reason == PlanReasons.NoFactorAllowed);
    }

    [Fact]
    public async Task MfaSession_EnrollmentGoneUnderABlockingRule_AccessDenied()
    {
        var blocking = EnrollmentRule.Default with { UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted };
        var (browser, user, enrollment) = await MfaSessionAsync(blocking);
        // Straight from the store: an administrator's reset would also end the session (credentials changed).
        Assert.True(await fx.Enrollments.DeleteAsync(user.Id, enrollment.Id, CancellationToken.None));

        Assert.Equal("access_denied", ErrorOf(await browser.AuthorizeAsync(fx.NewOtherRequest())));
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == AuditKinds.OidcAuthorize && e.UserId == user.Id && e.Reason == PlanReasons.UnenrolledBlocked);
    }

    [Fact]
    public async Task MfaSession_AppNoLongerDeployed_AccessDenied()
    {
        const string ClientId = "reuse-undeployed";
        await fx.Service.AddOidcAppAsync(ClientId, [OidcFixture.OtherRedirectUri]);
        var (browser, user, _) = await MfaSessionAsync();
        var profiles = fx.Service.Services.GetRequiredService<IAppProfileStore>();
        var profile = await profiles.FindAsync(ClientId, CancellationToken.None);
        await profiles.SaveAsync(profile! with { Deployment = new AppDeployment { Deployed = false } }, CancellationToken.None);

        var request = OidcFlow.NewRequest(ClientId, OidcFixture.OtherRedirectUri);
        Assert.Equal("access_denied", ErrorOf(await browser.AuthorizeAsync(request)));
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == AuditKinds.OidcAuthorize && e.UserId == user.Id && e.Reason == AuditReasons.NotDeployed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MfaSession_UserDisabledOrPasswordChanged_SessionEnds(bool disable)
    {
        var (browser, user, _) = await MfaSessionAsync();
        if (disable)
            await fx.Directory.SetEnabledAsync(user.Id, false, CancellationToken.None);
        else
            await fx.Directory.SetPasswordAsync(user.Id, "another correct horse battery", CancellationToken.None);

        Assert.Equal("login_required", ErrorOf(await browser.AuthorizeAsync(fx.NewOtherRequest().With("prompt", "none"))));
        Assert.StartsWith("/login", OidcFlow.LocationOf(await browser.AuthorizeAsync(fx.NewOtherRequest())));
    }

    [Fact]
    public async Task MfaSession_IdTokenSaysHowTheSessionWasProven()
    {
        var (browser, _, _) = await MfaSessionAsync();
        var request = fx.NewOtherRequest();

        var code = OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(request))).Code!;
        var tokens = await browser.RedeemAsync(request, code, fx.OtherSecret);

        var amr = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value);
        Assert.Equal(Otp, amr);
    }

    private async Task<List<AuditEvent>> RecentAuditAsync()
    {
        var events = new List<AuditEvent>();
        await foreach (var e in fx.Service.Services.GetRequiredService<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            events.Add(e);
        return events;
    }
}
