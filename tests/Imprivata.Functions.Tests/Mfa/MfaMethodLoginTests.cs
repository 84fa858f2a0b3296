using System.Net;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.Policies;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OtpNet;

namespace Imprivata.Functions.Tests.Mfa;

/// <summary>The real OTP-token and temporary-code methods in the web login's second-factor step, through to the ID token's amr.</summary>
public sealed class MfaMethodLoginTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private T Get<T>() where T : notnull => fx.Service.Services.GetRequiredService<T>();

    private async Task UseWebSsoAsync(params Factor[] factors)
    {
        var policies = Get<IPolicyStore>();
        await policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = factors, UserPolicyIds = [UserPolicy.DefaultId] },
        }, CancellationToken.None);
        await policies.SaveEnrollmentRuleAsync(EnrollmentRule.Default, CancellationToken.None);
    }

    private async Task<(OidcFlow Browser, AuthorizeRequest Request)> PasswordAsync(DirectoryUser user)
    {
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        var posted = await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted));
        return (browser, request);
    }

    private static async Task<HttpResponseMessage> SubmitAsync(OidcFlow browser, string path, string code)
    {
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csrf = OidcFlow.CsrfOf(await page.Content.ReadAsStringAsync());
        return await browser.PostFormAsync(path, new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = code });
    }

    private async Task<IReadOnlyList<string>> AmrAsync(OidcFlow browser, AuthorizeRequest request, HttpResponseMessage done)
    {
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        var tokens = await browser.RedeemAsync(request, OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code!, fx.Secret);
        return [.. new JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value)];
    }

    [Fact]
    public async Task EnrolledAuthenticatorApp_LogsInWithItsCode_AndTheSameCodeIsNotAcceptedTwice()
    {
        await UseWebSsoAsync(Factor.OtpToken);
        var user = await fx.NewUserAsync();
        var enrollment = Get<TotpEnrollment>();
        var start = await enrollment.BeginAsync(user.Id, user.Username, null, CancellationToken.None);
        var seed = Base32Encoding.ToBytes(start.ManualEntryKey);
        var now = DateTimeOffset.UtcNow;
        // Confirm with the current step's code, log in with the next one: both stay inside the +-1 window even when the
        // real clock crosses a step boundary during the test.
        Assert.True((await enrollment.ConfirmAsync(user.Id, start.EnrollmentId, OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(now, 30)), CancellationToken.None)).Succeeded);
        var code = OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(now, 30) + 1);

        var (browser, request) = await PasswordAsync(user);
        var done = await SubmitAsync(browser, "/login/mfa/otp", code);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal(["pwd", "otp", "mfa"], await AmrAsync(browser, request, done));

        var (again, _) = await PasswordAsync(user);
        Assert.Equal(HttpStatusCode.BadRequest, (await SubmitAsync(again, "/login/mfa/otp", code)).StatusCode);
    }

    [Fact]
    public async Task UnenrolledUser_SetsUpAnAuthenticatorAppAtThePrompt_AndSignsInWithIt()
    {
        await UseWebSsoAsync(Factor.OtpToken);
        var user = await fx.NewUserAsync();
        var (browser, request) = await PasswordAsync(user);
        var chooser = await (await browser.GetAsync("/login/mfa")).Content.ReadAsStringAsync();
        Assert.Contains("href=\"/login/enroll/otp\"", chooser);

        var page = await browser.GetAsync("/login/enroll/otp");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data:image/png;base64,", html);
        var key = System.Text.RegularExpressions.Regex.Match(html, "id=\"manual-key\">([A-Z2-7]+)<").Groups[1].Value;
        var seed = Base32Encoding.ToBytes(key);
        Assert.Equal(TotpEnrollment.SeedBytes, seed.Length);

        // Codes by absolute step, so a step boundary during the test cannot turn "the spent code" into a fresh one.
        var step = OtpCode.TimeStep(DateTimeOffset.UtcNow, 30);
        string Code(long at) => OtpCode.Compute(seed, TotpEnrollment.AppParameters, at);
        // A wrong code keeps the enrollment unconfirmed (the policy still asks for enrollment).
        var csrf = OidcFlow.CsrfOf(html);
        var wrong = await browser.PostFormAsync("/login/enroll/otp", new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = "000000" == Code(step) ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.DoesNotContain(await Get<IEnrollmentStore>().ListAsync(user.Id, CancellationToken.None), e => e.Confirmed);

        var done = await browser.PostFormAsync("/login/enroll/otp", new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = Code(step) });
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        var tokens = await browser.RedeemAsync(request, OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code!, fx.Secret);
        Assert.Equal(["pwd", "otp", "mfa"], new JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value));

        // The next login asks for the app's code; the code that confirmed the enrollment is spent, the next step's works.
        var (again, _) = await PasswordAsync(user);
        Assert.Equal(HttpStatusCode.BadRequest, (await SubmitAsync(again, "/login/mfa/otp", Code(step))).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await SubmitAsync(again, "/login/mfa/otp", Code(step + 1))).StatusCode);
    }

    [Fact]
    public async Task TemporaryCode_OffersTheStepAndLogsIn_WithAmrTmp()
    {
        await UseWebSsoAsync(Factor.OtpToken);
        var user = await fx.NewUserAsync();
        var issued = await Get<Core.Mfa.TemporaryCodes.TemporaryCodes>().IssueAsync("helpdesk-id", "helpdesk", user.Id, TimeSpan.FromDays(1), CancellationToken.None);
        Assert.True(Get<ITemporaryCodeStatus>() is not null && await Get<ITemporaryCodeStatus>().HasActiveCodeAsync(user, CancellationToken.None));

        var (browser, request) = await PasswordAsync(user);
        Assert.Equal("/login/mfa/temporary-code", OidcFlow.LocationOf(await browser.GetAsync("/login/mfa")));
        var done = await SubmitAsync(browser, "/login/mfa/temporary-code", issued.IssuedCode![..5] + " " + issued.IssuedCode[5..]);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Contains("tmp", await AmrAsync(browser, request, done));
    }
}
