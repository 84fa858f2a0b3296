using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Tests.Login;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Imprivata.Functions.Tests.Mfa.Push;

/// <summary>Push as the web login's second factor, through the framework's pending login; the test key plays the phone.</summary>
public sealed partial class PushLoginTests(MfaLoginFixture fx) : IClassFixture<MfaLoginFixture>
{
    [GeneratedRegex("id=\"push-number\" class=\"match-number\">(\\d\\d)<")]
    private static partial Regex NumberOnPage();

    private async Task<(OidcFlow Browser, AuthorizeRequest Request, DirectoryUser User, Phone Phone)> SignInWithPasswordAsync()
    {
        await fx.UseWebSsoAsync([Factor.Push]);
        var user = await fx.NewUserAsync();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var enrollment = await fx.Enrollments.AddAsync(new Enrollment
        {
            Id = "phone-" + Guid.NewGuid().ToString("N")[..8], UserId = user.Id, Factor = Factor.Push, Confirmed = true,
            CreatedAt = DateTimeOffset.UtcNow, PublicKey = key.ExportSubjectPublicKeyInfo(),
        }, CancellationToken.None);
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        var posted = await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted));
        Assert.Equal("/login/mfa/push", OidcFlow.LocationOf(await browser.GetAsync("/login/mfa")));
        return (browser, request, user, new Phone(enrollment, key));
    }

    private async Task<PushChallenge> PendingAsync(DirectoryUser user, Phone phone) =>
        Assert.Single(await fx.Service.Services.GetRequiredService<PushApproval>().PendingForDeviceAsync(user.Id, phone.Enrollment.Id, CancellationToken.None));

    [Fact]
    public async Task Push_with_the_right_number_signs_in_and_the_id_token_names_the_push()
    {
        var (browser, request, user, phone) = await SignInWithPasswordAsync();

        var waiting = await browser.GetAsync("/login/mfa/push");
        var html = await waiting.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
        Assert.StartsWith("2;", waiting.Headers.GetValues("Refresh").Single());
        var number = NumberOnPage().Match(html).Groups[1].Value;
        var challenge = await PendingAsync(user, phone);
        Assert.Equal(challenge.MatchNumber.ToString(), number);

        var decided = await fx.Service.Services.GetRequiredService<PushApproval>().DecideAsync(phone.Decision(challenge.Id, PushDecisionKind.Approve, number), CancellationToken.None);
        Assert.Equal(PushState.Approved, decided.State);
        var done = await browser.GetAsync("/login/mfa/push");

        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        var code = OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code;
        var tokens = await browser.RedeemAsync(request, code!, fx.Secret);
        var amr = new JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value).ToList();
        Assert.Contains("swk", amr);
        Assert.Contains("mfa", amr);
    }

    [Fact]
    public async Task Push_with_a_wrong_number_is_denied_counted_once_and_offers_a_new_push()
    {
        var (browser, _, user, phone) = await SignInWithPasswordAsync();
        await browser.GetAsync("/login/mfa/push");
        var challenge = await PendingAsync(user, phone);
        var wrong = challenge.MatchNumber == 10 ? "11" : "10";
        await fx.Service.Services.GetRequiredService<PushApproval>().DecideAsync(phone.Decision(challenge.Id, PushDecisionKind.Approve, wrong), CancellationToken.None);

        var denied = await (await browser.GetAsync("/login/mfa/push")).Content.ReadAsStringAsync();
        await browser.GetAsync("/login/mfa/push");

        Assert.Contains("did not match", denied);
        Assert.Contains("id=\"push-resend\"", denied);
        var failures = await fx.Service.Services.GetRequiredService<IAuditLog>()
            .QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None)
            .Where(e => e.Kind == "login.mfa" && e.UserId == user.Id && e.Result == "failure").ToListAsync();
        Assert.Equal(PushReasons.WrongNumber, Assert.Single(failures).Reason);
    }

    [GeneratedRegex("approve/enroll#([A-Za-z0-9_-]+)")]
    private static partial Regex EnrollToken();

    [GeneratedRegex("name=\"handle\" value=\"([^\"]+)\"")]
    private static partial Regex EnrollHandle();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Csrf();

    [Fact]
    public async Task Enrolling_the_approver_at_login_then_continue_completes_the_login_only_with_this_logins_invitation()
    {
        await fx.UseWebSsoAsync([Factor.Push]);
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl)));
        var page = await (await browser.GetAsync("/login/enroll/push")).Content.ReadAsStringAsync();
        var token = EnrollToken().Match(page).Groups[1].Value;
        var handle = EnrollHandle().Match(page).Groups[1].Value;
        var csrf = Csrf().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        Assert.NotEmpty(handle);

        // The phone registers with the token from the QR code: the user is now enrolled, so a re-plan asks for push.
        using var phone = new HttpClient { BaseAddress = fx.Service.BaseUri };
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var registered = await phone.PostAsJsonAsync("/approve/api/devices",
            new { token, publicKey = OidcFlow.Base64Url(key.ExportSubjectPublicKeyInfo()), deviceName = "Test phone" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        // A handle this pending login never showed does not complete it.
        var foreign = await browser.PostFormAsync("/login/enroll/push", [new("csrf", csrf), new("handle", "not-" + handle)]);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(foreign));

        var done = await browser.PostFormAsync("/login/enroll/push", [new("csrf", csrf), new("handle", handle)]);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        var tokens = await browser.RedeemAsync(request, OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code!, fx.Secret);
        var amr = new JsonWebToken(tokens.IdToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value).ToList();
        Assert.Equal(["pwd", "swk", "mfa"], amr);
    }
}
