using System.Net;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Policies;
using Imprivata.Functions.Oidc;
using Imprivata.Functions.Tests.Login;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Imprivata.Functions.Tests.Mfa.Codes;

/// <summary>SMS and e-mail codes in the real web login: the step pages, enrollment at login, codes read from the outbox.</summary>
public sealed class CodeLoginStepTests(MfaLoginFixture fx) : IClassFixture<MfaLoginFixture>
{
    private static CancellationToken Ct => CancellationToken.None;
    private IOutboxStore Outbox => fx.Service.Services.GetRequiredService<IOutboxStore>();

    private async Task UseWebSsoAsync(IReadOnlyList<Factor> factors, bool emailCountsAsMfa = false, EnrollmentRule? rule = null)
    {
        await fx.Policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = factors, UserPolicyIds = [UserPolicy.DefaultId] },
            Options = new AuthenticationOptions { EmailCodesCountAsMfa = emailCountsAsMfa },
        }, Ct);
        await fx.Policies.SaveEnrollmentRuleAsync(rule ?? EnrollmentRule.Default, Ct);
    }

    private async Task<(OidcFlow Browser, AuthorizeRequest Request)> PasswordAsync(string username)
    {
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        var posted = await browser.SignInAsync(username, OidcFixture.Password, returnUrl);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted));
        return (browser, request);
    }

    private async Task<Enrollment> EnrollAsync(string userId, Factor factor, string destination) =>
        await fx.Enrollments.AddAsync(new Enrollment
        {
            Id = Guid.NewGuid().ToString("N"),
            UserId = userId,
            Factor = factor,
            Label = destination,
            CreatedAt = DateTimeOffset.UtcNow,
            Confirmed = true,
            Destination = destination,
        }, Ct);

    private async Task<IReadOnlyList<OutboxMessage>> MessagesToAsync(string to) =>
        [.. (await Outbox.ListAsync(500, Ct)).Where(m => m.To == to)];

    private async Task<string> LatestCodeToAsync(string to) => CodeRig.CodeIn((await MessagesToAsync(to))[0].Text);

    private static async Task<HttpResponseMessage> PostAsync(OidcFlow browser, string pagePath, string action, Dictionary<string, string> fields)
    {
        var page = await browser.GetAsync(pagePath);
        fields["csrf"] = OidcFlow.CsrfOf(await page.Content.ReadAsStringAsync());
        return await browser.PostFormAsync(action, fields);
    }

    private async Task<IReadOnlyList<string>> AmrAfterAsync(OidcFlow browser, AuthorizeRequest request, HttpResponseMessage done)
    {
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        var code = OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code;
        var tokens = await browser.RedeemAsync(request, code!, fx.Secret);
        return [.. new JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value)];
    }

    [Fact]
    public async Task Sms_step_sends_one_code_per_visit_and_the_code_from_the_outbox_signs_in()
    {
        await UseWebSsoAsync([Factor.Sms]);
        var user = await fx.NewUserAsync();
        var phone = "+1555" + Random.Shared.Next(1000000, 9999999);
        await EnrollAsync(user.Id, Factor.Sms, phone);
        var (browser, request) = await PasswordAsync(user.Username);

        Assert.Equal("/login/mfa/sms", OidcFlow.LocationOf(await browser.GetAsync("/login/mfa")));
        var page = await browser.GetAsync("/login/mfa/sms");
        var html = await page.Content.ReadAsStringAsync();
        await browser.GetAsync("/login/mfa/sms");

        Assert.Contains(Destinations.Mask(CodeChannel.Sms, phone).Replace("+", "&#x2B;", StringComparison.Ordinal), html);
        var sent = Assert.Single(await MessagesToAsync(phone));
        Assert.Matches(@"^Your sign-in code is \d{6}\. It expires in 5 minutes\.$", sent.Text);

        var done = await PostAsync(browser, "/login/mfa/sms", "/login/mfa/sms", new() { ["code"] = CodeRig.CodeIn(sent.Text) });
        var amr = await AmrAfterAsync(browser, request, done);
        Assert.Equal(["pwd", "sms", "mfa"], amr);
    }

    [Fact]
    public async Task Sms_resend_voids_the_first_code()
    {
        await UseWebSsoAsync([Factor.Sms]);
        var user = await fx.NewUserAsync();
        var phone = "+1555" + Random.Shared.Next(1000000, 9999999);
        await EnrollAsync(user.Id, Factor.Sms, phone);
        var (browser, _) = await PasswordAsync(user.Username);
        await browser.GetAsync("/login/mfa/sms");
        var first = await LatestCodeToAsync(phone);

        var resent = await PostAsync(browser, "/login/mfa/sms", "/login/mfa/sms/resend", []);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal(2, (await MessagesToAsync(phone)).Count);
        var second = await LatestCodeToAsync(phone);

        if (first != second)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(browser, "/login/mfa/sms", "/login/mfa/sms", new() { ["code"] = first })).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await PostAsync(browser, "/login/mfa/sms", "/login/mfa/sms", new() { ["code"] = second })).StatusCode);
    }

    [Fact]
    public async Task Email_step_when_the_administrator_accepted_it_gives_amr_email()
    {
        await UseWebSsoAsync([Factor.Email], emailCountsAsMfa: true);
        var user = await fx.NewUserAsync();
        var address = $"{user.Username}@mail.example.org";
        await EnrollAsync(user.Id, Factor.Email, address);
        var (browser, request) = await PasswordAsync(user.Username);

        await browser.GetAsync("/login/mfa/email");
        var done = await PostAsync(browser, "/login/mfa/email", "/login/mfa/email", new() { ["code"] = await LatestCodeToAsync(address) });

        Assert.Equal(["pwd", "email", "mfa"], await AmrAfterAsync(browser, request, done));
    }

    [Fact]
    public async Task Enrolling_a_phone_at_login_validates_it_sends_a_code_and_confirms()
    {
        await UseWebSsoAsync([Factor.Sms], rule: EnrollmentRule.Default with { EnrollableFactors = [Factor.Sms], MayDelay = false });
        var user = await fx.NewUserAsync();
        var phone = "+1555" + Random.Shared.Next(1000000, 9999999);
        var (browser, request) = await PasswordAsync(user.Username);

        var chooser = await (await browser.GetAsync("/login/mfa")).Content.ReadAsStringAsync();
        Assert.Contains("/login/enroll/sms", chooser);

        var invalid = await PostAsync(browser, "/login/enroll/sms", "/login/enroll/sms", new() { ["destination"] = "555-0100" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("not a valid number", await invalid.Content.ReadAsStringAsync());

        var begun = await PostAsync(browser, "/login/enroll/sms", "/login/enroll/sms", new() { ["destination"] = phone });
        Assert.Equal(HttpStatusCode.SeeOther, begun.StatusCode);
        Assert.Equal("/login/enroll/sms/confirm", OidcFlow.LocationOf(begun));
        Assert.Matches(@"^Your verification code is \d{6}\.", (await MessagesToAsync(phone)).Single().Text);

        var done = await PostAsync(browser, "/login/enroll/sms/confirm", "/login/enroll/sms/confirm", new() { ["code"] = await LatestCodeToAsync(phone) });
        Assert.Equal(["pwd", "sms", "mfa"], await AmrAfterAsync(browser, request, done));
        var enrollment = Assert.Single(await fx.Enrollments.ListAsync(user.Id, Ct));
        Assert.True(enrollment.Confirmed);
        Assert.Equal(phone, enrollment.Destination);
    }

    [Fact]
    public async Task Enrollment_pages_refuse_a_login_whose_plan_does_not_ask_for_enrollment()
    {
        await UseWebSsoAsync([Factor.Sms]);
        var user = await fx.NewUserAsync();
        await EnrollAsync(user.Id, Factor.Sms, "+15550109999");
        var (browser, _) = await PasswordAsync(user.Username);

        var page = await browser.GetAsync("/login/enroll/sms");

        Assert.Equal("/login/mfa", OidcFlow.LocationOf(page));
    }
}
