using System.Net;
using System.Net.Http.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprivata.EndToEnd;

/// <summary>The push steps both tests share: enrolling the approver at the login, and reading a pending push on the phone.</summary>
internal static class PushSteps
{
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = MfaBrowserFixture.Timeout };

    /// <summary>
    /// First sign-in of an unenrolled user: the enrollment prompt, "Set up Push approval", the QR code and its link; the
    /// phone (its own browser context) opens the link and registers a WebCrypto key; "Continue" finishes the login.
    /// Returns the phone's approver page and the ID token claims of that first login.
    /// </summary>
    public static async Task<(IPage Phone, System.Text.Json.JsonElement Claims)> EnrollAtLoginAsync(MfaBrowserFixture f, DirectoryUser user)
    {
        var login = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(login, user);
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/mfa");
        await Expect(login.Locator("h1, h2").First).ToContainTextAsync("Set up a second factor", Wait);
        await login.ClickAsync("#method-push");
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/enroll/push");
        Assert.StartsWith("data:image/", await login.GetAttributeAsync("#push-enroll-qr", "src"));
        var link = await login.GetAttributeAsync("#push-enroll-link", "href");
        Assert.NotNull(link);
        Assert.StartsWith(f.Service.Issuer + "approve/enroll#", link);
        Assert.Equal(link, (await login.InnerTextAsync("#push-enroll-link")).Trim());

        var phone = await f.NewPageAsync();
        await phone.GotoAsync(link);
        await Expect(phone.Locator("#enroll-section")).ToBeVisibleAsync(new() { Timeout = MfaBrowserFixture.Timeout });
        await phone.FillAsync("#device-name", "Test phone");
        await phone.ClickAsync("#enroll-button");
        await MfaBrowserFixture.ArriveAsync(phone, f.Service.Issuer + "approve");
        await Expect(phone.Locator("#device-label")).ToContainTextAsync(user.Username + " on Test phone", Wait);
        await Expect(phone.Locator("#token-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9]{6}$"), new() { Timeout = MfaBrowserFixture.Timeout });

        await login.ClickAsync("#push-enroll-continue");
        var claims = await f.RelyingPartyClaimsAsync(login);
        await login.Context.CloseAsync();
        return (phone, claims);
    }

    /// <summary>Signs in again (new computer context) up to the push step and returns the login page and the number it shows.</summary>
    public static async Task<(IPage Login, string Number)> SignInToPushAsync(MfaBrowserFixture f, DirectoryUser user)
    {
        var login = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(login, user);
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/mfa/push");
        var number = (await login.InnerTextAsync("#push-number")).Trim();
        Assert.Matches("^[1-9][0-9]$", number);
        return (login, number);
    }

    /// <summary>Waits for the phone to list exactly one pending sign-in, checks who and what it is for, and returns its element.</summary>
    public static async Task<ILocator> PendingChallengeAsync(IPage phone, DirectoryUser user)
    {
        var item = phone.Locator("#challenges li.challenge");
        await Expect(item).ToHaveCountAsync(1, new() { Timeout = MfaBrowserFixture.Timeout });
        await Expect(item.Locator(".challenge-user")).ToHaveTextAsync(user.Username, new() { Timeout = MfaBrowserFixture.Timeout });
        await Expect(item.Locator(".challenge-app")).ToHaveTextAsync(MfaBrowserFixture.AppName, new() { Timeout = MfaBrowserFixture.Timeout });
        await Expect(item.Locator(".challenge-match label")).ToHaveTextAsync("Number shown on the sign-in screen", new() { Timeout = MfaBrowserFixture.Timeout });
        return item;
    }

    /// <summary>A time as the console shows it ("2026-03-02 09:00 UTC"; the report may add seconds), never "Never".</summary>
    public static readonly System.Text.RegularExpressions.Regex ConsoleTime = new("^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}");

    /// <summary>A helpdesk administrator signed in to the admin console in a browser context of their own.</summary>
    public static async Task<IPage> SignInToConsoleAsync(MfaBrowserFixture f)
    {
        var desk = await f.Service.AddUserAsync("desk" + Guid.NewGuid().ToString("N")[..6], MfaBrowserFixture.Password, role: AdminRole.Helpdesk);
        var console = await f.NewPageAsync();
        await console.GotoAsync(new Uri(f.Service.BaseUri, "console/login").ToString());
        await console.FillAsync("input[name=username]", desk.Username);
        await console.FillAsync("input[name=password]", MfaBrowserFixture.Password);
        var code = await ConsoleSecondFactor.FreshTokenCodeAsync(f.Service.Services, desk.Username);
        await console.ClickAsync("button[type=submit]");
        await MfaBrowserFixture.ArriveAsync(console, f.Service.Issuer + "console/login/otp");
        await console.FillAsync("input[name=code]", code);
        await console.ClickAsync("button[type=submit]");
        await MfaBrowserFixture.ArriveAsync(console, f.Service.Issuer + "console/users**");
        return console;
    }

    public static string WrongNumber(string number) => number == "99" ? "10" : (int.Parse(number, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Push approval with number matching, in two browser contexts: the computer's login page and the phone's approver page.</summary>
[Collection("MfaBrowser")]
public sealed class MfaBrowserPushTests(MfaBrowserFixture f) : IClassFixture<MfaBrowserFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = MfaBrowserFixture.Timeout };

    [Fact]
    public async Task EnrollAtLogin_ThenRightNumberApproves_IdTokenSaysSwkAndMfa()
    {
        await f.UseWebSsoAsync([Factor.Push]);
        var user = await f.NewUserAsync("pusher");
        var (phone, enrolled) = await PushSteps.EnrollAtLoginAsync(f, user);
        // Enrolling the approver at the login is itself the second factor of that login.
        Assert.Equal(["pwd", "swk", "mfa"], BrowserSteps.Amr(enrolled));

        var (login, number) = await PushSteps.SignInToPushAsync(f, user);
        var challenge = await PushSteps.PendingChallengeAsync(phone, user);
        await challenge.Locator(".challenge-number").FillAsync(number);
        await challenge.Locator(".challenge-approve").ClickAsync();
        await Expect(phone.Locator("#approver-message")).ToHaveTextAsync("Approved.", new() { Timeout = MfaBrowserFixture.Timeout });

        // The login page polls by itself and goes on to the app once approved.
        var claims = await f.RelyingPartyClaimsAsync(login);
        Assert.Equal(user.Id, claims.GetProperty("sub").GetString());
        Assert.Equal(["pwd", "swk", "mfa"], BrowserSteps.Amr(claims));
        Assert.Equal("urn:imprivata:acr:mfa", claims.GetProperty("acr").GetString());
        await Expect(phone.Locator("#no-challenges")).ToBeVisibleAsync(new() { Timeout = MfaBrowserFixture.Timeout });

        // The approval is a use of the approver: the console's user page and the enrolled-users report say when.
        var console = await PushSteps.SignInToConsoleAsync(f);
        await console.GotoAsync(new Uri(f.Service.BaseUri, $"console/users/{user.Id}").ToString());
        var row = console.Locator("tr").Filter(new LocatorFilterOptions { HasTextString = "Test phone" });
        await Expect(row.Locator("td").Nth(3)).ToHaveTextAsync(PushSteps.ConsoleTime, new() { Timeout = MfaBrowserFixture.Timeout });
        await console.GotoAsync(new Uri(f.Service.BaseUri, $"console/reports/enrolled-users?username={user.Username}").ToString());
        var reportRow = console.Locator("tbody tr").Filter(new LocatorFilterOptions { HasTextString = user.Username });
        await Expect(reportRow.Locator("td").Nth(5)).ToHaveTextAsync(PushSteps.ConsoleTime, new() { Timeout = MfaBrowserFixture.Timeout });
    }

    [Fact]
    public async Task WrongNumber_DeniedOnBothScreens_NoToken()
    {
        await f.UseWebSsoAsync([Factor.Push]);
        var user = await f.NewUserAsync("fumbler");
        var (phone, _) = await PushSteps.EnrollAtLoginAsync(f, user);

        var (login, number) = await PushSteps.SignInToPushAsync(f, user);
        var challenge = await PushSteps.PendingChallengeAsync(phone, user);
        await challenge.Locator(".challenge-number").FillAsync(PushSteps.WrongNumber(number));
        await challenge.Locator(".challenge-approve").ClickAsync();
        await Expect(phone.Locator("#approver-message")).ToContainTextAsync("did not match", Wait);

        await Expect(login.Locator("#push-status")).ToContainTextAsync("The number entered on the phone did not match. The sign-in was denied.", Wait);
        Assert.StartsWith(f.Service.Issuer + "login/mfa/push", login.Url);
        await Expect(login.Locator("#push-number")).ToHaveCountAsync(0);
        await Expect(login.Locator("#push-resend")).ToBeVisibleAsync();
    }
}

/// <summary>
/// The 30-second push deadline: the service's TimeProvider jumps 31 s ahead instead of the test waiting. The product's
/// lifetime stays the default 30 s (a shorter Imprivata:Push:ChallengeLifetime would test a configuration nobody runs).
/// </summary>
[Collection("MfaBrowser")]
public sealed class MfaBrowserPushExpiryTests(ClockedMfaBrowserFixture f) : IClassFixture<ClockedMfaBrowserFixture>
{
    [Fact]
    public async Task NotAnsweredIn30Seconds_Expired_LateApprovalRefused()
    {
        await f.UseWebSsoAsync([Factor.Push]);
        var user = await f.NewUserAsync("sleeper");
        var (phone, _) = await PushSteps.EnrollAtLoginAsync(f, user);

        var (login, number) = await PushSteps.SignInToPushAsync(f, user);
        // A countdown of at most the documented 30 seconds.
        await Expect(login.Locator("#push-remaining")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^([1-9]|[12][0-9]|30)$"), new() { Timeout = MfaBrowserFixture.Timeout });
        var challenge = await PushSteps.PendingChallengeAsync(phone, user);
        await challenge.Locator(".challenge-number").FillAsync(number);

        // The phone stops polling (as if offline) so the list it shows is the one from before the deadline.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await phone.RouteAsync("**/approve/api/challenges", async route =>
        {
            await held.Task;
            await route.AbortAsync();
        });
        try
        {
            f.JumpingClock.Jump(TimeSpan.FromSeconds(31));
            await challenge.Locator(".challenge-approve").ClickAsync();
            // 409: "expired", or "not_pending" when the login page's poll already marked it expired.
            await Expect(phone.Locator("#approver-message")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Not recorded: (expired|not_pending)$"), new() { Timeout = MfaBrowserFixture.Timeout });
            await Expect(login.Locator("#push-status")).ToContainTextAsync("The push expired before it was approved.", new() { Timeout = MfaBrowserFixture.Timeout });
            Assert.StartsWith(f.Service.Issuer + "login/mfa/push", login.Url);
        }
        finally
        {
            held.TrySetResult();
        }
    }
}

/// <summary>SMS and e-mail codes read from the standalone outbox, and a helpdesk temporary code.</summary>
[Collection("MfaBrowser")]
public sealed class MfaBrowserCodeTests(MfaBrowserFixture f) : IClassFixture<MfaBrowserFixture>
{
    [Fact]
    public async Task Sms_EnrollPhoneAtLogin_ThenSignInWithSmsCode()
    {
        await f.UseWebSsoAsync([Factor.Sms]);
        var user = await f.NewUserAsync("texter");
        const string phoneNumber = "+15555550123";
        var outbox = await PushSteps.SignInToConsoleAsync(f); // the outbox is for administrators

        var login = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(login, user);
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/mfa");
        await login.ClickAsync("#method-sms");
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/enroll/sms");
        await login.FillAsync("#destination", phoneNumber);
        await login.ClickAsync("#send");
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/enroll/sms/confirm");
        await login.FillAsync("#code", await f.CodeFromOutboxAsync(outbox, phoneNumber, "verification code"));
        await login.ClickAsync("#verify");
        Assert.Equal(["pwd", "sms", "mfa"], BrowserSteps.Amr(await f.RelyingPartyClaimsAsync(login)));

        // A later sign-in on another computer: the only method is SMS, so the code is sent at once.
        var later = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(later, user);
        await MfaBrowserFixture.ArriveAsync(later, f.Service.Issuer + "login/mfa/sms");
        await later.FillAsync("#code", await f.CodeFromOutboxAsync(outbox, phoneNumber, "sign-in code"));
        await later.ClickAsync("#verify");
        var claims = await f.RelyingPartyClaimsAsync(later);
        Assert.Equal(user.Id, claims.GetProperty("sub").GetString());
        Assert.Equal(["pwd", "sms", "mfa"], BrowserSteps.Amr(claims));
        Assert.Equal("urn:imprivata:acr:mfa", claims.GetProperty("acr").GetString());
    }

    [Fact]
    public async Task Email_AcceptedAsMfa_EnrollAtLogin_ThenSignInWithEmailCode()
    {
        await f.UseWebSsoAsync([Factor.Email],
            EnrollmentRule.Default with { EnrollableFactors = [Factor.Email] },
            new AuthenticationOptions { EmailCodesCountAsMfa = true });
        var user = await f.NewUserAsync("mailer");
        var address = user.Username + ".codes@example.org";
        var outbox = await PushSteps.SignInToConsoleAsync(f); // the outbox is for administrators

        var login = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(login, user);
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/mfa");
        await login.ClickAsync("#method-email");
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/enroll/email");
        await login.FillAsync("#destination", address);
        await login.ClickAsync("#send");
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/enroll/email/confirm");
        await login.FillAsync("#code", await f.CodeFromOutboxAsync(outbox, address, "verification code"));
        await login.ClickAsync("#verify");
        Assert.Equal(["pwd", "email", "mfa"], BrowserSteps.Amr(await f.RelyingPartyClaimsAsync(login)));

        var later = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(later, user);
        await MfaBrowserFixture.ArriveAsync(later, f.Service.Issuer + "login/mfa/email");
        await later.FillAsync("#code", await f.CodeFromOutboxAsync(outbox, address, "sign-in code"));
        await later.ClickAsync("#verify");
        var claims = await f.RelyingPartyClaimsAsync(later);
        Assert.Equal(["pwd", "email", "mfa"], BrowserSteps.Amr(claims));
        Assert.Equal("urn:imprivata:acr:mfa", claims.GetProperty("acr").GetString());
    }

    [Fact]
    public async Task TemporaryCode_IssuedByHelpdeskApi_SignsInWithAmrTmp()
    {
        // The user has no enrolled method (say, a lost phone); without the code the default rule would only prompt enrollment.
        await f.UseWebSsoAsync([Factor.Push]);
        var user = await f.NewUserAsync("forgetful");
        var desk = await f.Service.AddUserAsync("desk" + Guid.NewGuid().ToString("N")[..6], MfaBrowserFixture.Password, role: AdminRole.Helpdesk);

        using var admin = new AdminClient(f.Service.BaseUri);
        Assert.Equal(HttpStatusCode.SeeOther, (await admin.PostLoginAsync(desk.Username, MfaBrowserFixture.Password)).StatusCode);
        admin.Csrf = (await admin.Http.GetFromJsonAsync<AdminHost.SessionView>("/console/api/session"))!.CsrfToken;
        var issued = await admin.SendAsync(HttpMethod.Post, $"/console/api/users/{user.Id}/temporary-code", new { validity = "4h" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var code = (await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString()!;

        var login = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(login, user);
        await MfaBrowserFixture.ArriveAsync(login, f.Service.Issuer + "login/mfa/temporary-code");
        await login.FillAsync("#code", code);
        await login.ClickAsync("#verify");
        var claims = await f.RelyingPartyClaimsAsync(login);
        Assert.Equal(user.Id, claims.GetProperty("sub").GetString());
        // The helpdesk code stands in for the second factor (FactorAmr): "tmp", never a method the user does not have.
        Assert.Equal(["pwd", "tmp", "mfa"], BrowserSteps.Amr(claims));
    }
}

/// <summary>What each enrollment rule does to an unenrolled user at the browser login (Web SSO live with push and SMS).</summary>
[Collection("MfaBrowser")]
public sealed class MfaBrowserEnrollmentRuleTests(MfaBrowserFixture f) : IClassFixture<MfaBrowserFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = MfaBrowserFixture.Timeout };

    private Task UseRuleAsync(UnenrolledAccess access, EnrollmentPrompt prompt, bool mayDelay) =>
        f.UseWebSsoAsync([Factor.Push, Factor.Sms], EnrollmentRule.Default with { UnenrolledAccess = access, Prompt = prompt, MayDelay = mayDelay });

    [Fact]
    public async Task PasswordOnly_MayDelay_RemindMeLater_SignedInWithPasswordOnly()
    {
        await UseRuleAsync(UnenrolledAccess.PasswordOnly, EnrollmentPrompt.AtLogin, mayDelay: true);
        var user = await f.NewUserAsync("later");
        var page = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(page, user);
        await MfaBrowserFixture.ArriveAsync(page, f.Service.Issuer + "login/mfa");
        await Expect(page.Locator("body")).ToContainTextAsync("Your organization asks you to set up a second sign-in factor.", Wait);
        await Expect(page.Locator("#method-push")).ToBeVisibleAsync();
        await Expect(page.Locator("#method-sms")).ToBeVisibleAsync();
        await page.ClickAsync("#delay");
        var claims = await f.RelyingPartyClaimsAsync(page);
        Assert.Equal(["pwd"], BrowserSteps.Amr(claims));
        Assert.Equal("urn:imprivata:acr:pwd", claims.GetProperty("acr").GetString());
    }

    [Theory]
    [InlineData(UnenrolledAccess.PasswordOnly, false)]
    // No password-only access: "may delay" cannot apply, whatever the flag says.
    [InlineData(UnenrolledAccess.DifferentLoginMethod, true)]
    public async Task MustEnrollNow_NoDelayButton(UnenrolledAccess access, bool mayDelay)
    {
        await UseRuleAsync(access, EnrollmentPrompt.AtLogin, mayDelay);
        var user = await f.NewUserAsync("now");
        var page = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(page, user);
        await MfaBrowserFixture.ArriveAsync(page, f.Service.Issuer + "login/mfa");
        await Expect(page.Locator("body")).ToContainTextAsync("Set up a second sign-in factor to continue.", Wait);
        await Expect(page.Locator("#method-push")).ToBeVisibleAsync();
        await Expect(page.Locator("#method-sms")).ToBeVisibleAsync();
        await Expect(page.Locator("#delay")).ToHaveCountAsync(0);
        Assert.DoesNotContain("Remind me later", await page.ContentAsync());
    }

    [Fact]
    public async Task DifferentLoginMethod_NotPrompted_RefusedAtLoginPage()
    {
        await UseRuleAsync(UnenrolledAccess.DifferentLoginMethod, EnrollmentPrompt.NotPrompted, mayDelay: true);
        var user = await f.NewUserAsync("blocked");
        var page = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(page, user);
        await Expect(page.Locator(".error")).ToContainTextAsync("username or password is incorrect", Wait);
        Assert.StartsWith(f.Service.Issuer + "login", page.Url);
        Assert.DoesNotContain("/login/mfa", page.Url);
        Assert.DoesNotContain(page.Context.Pages, p => p.Url.StartsWith(f.Rp.BaseUri.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotPrompted_PasswordOnly_SignedInWithPassword()
    {
        await UseRuleAsync(UnenrolledAccess.PasswordOnly, EnrollmentPrompt.NotPrompted, mayDelay: true);
        var user = await f.NewUserAsync("plain");
        var page = await f.NewPageAsync();
        await f.SignInWithPasswordAsync(page, user);
        var claims = await f.RelyingPartyClaimsAsync(page);
        Assert.Equal(["pwd"], BrowserSteps.Amr(claims));
        Assert.Equal("urn:imprivata:acr:pwd", claims.GetProperty("acr").GetString());
    }
}
