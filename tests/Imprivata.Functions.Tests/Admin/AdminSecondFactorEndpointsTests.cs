using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>The console's second factor: no session after the password alone, a code (or an enrollment) to finish, break-glass excepted.</summary>
public sealed class AdminSecondFactorEndpointsTests : IAsyncLifetime
{
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A browser past the password of a new administrator who has an authenticator app; the app's seed and the form's token.</summary>
    private async Task<(AdminClient Client, DirectoryUser User, byte[] Secret, string Csrf)> PastPasswordAsync(AdminRole role = AdminRole.Helpdesk)
    {
        var user = await _host.CreateUserAsync("adm" + Guid.NewGuid().ToString("N")[..8], role);
        var secret = await ConsoleSecondFactor.AddTokenAsync(_host.App.Services, user.Username);
        var client = new AdminClient(_host.BaseAddress);
        var password = await client.PostPasswordAsync(user.Username, AdminHost.Password);
        Assert.Equal(ConsoleSecondFactor.Path, password.Headers.Location?.OriginalString);
        var page = await client.Http.GetStringAsync(ConsoleSecondFactor.Path);
        Assert.Null(ConsoleSecondFactor.ManualKeyOf(page));
        return (client, user, secret, AdminClient.CsrfFrom(page));
    }

    private Task<HttpStatusCode> SessionStatusAsync(AdminClient client) =>
        client.Http.GetAsync("/console/api/session").ContinueWith(t => t.Result.StatusCode);

    [Fact]
    public async Task Password_AdministratorWithAnApp_SentToTheCodeStepWithAPendingCookieAndNoSession()
    {
        var user = await _host.CreateUserAsync("desk", AdminRole.Helpdesk);
        await ConsoleSecondFactor.AddTokenAsync(_host.App.Services, user.Username);
        using var client = new AdminClient(_host.BaseAddress);

        var response = await client.PostPasswordAsync("desk", AdminHost.Password);

        Assert.Equal(ConsoleSecondFactor.Path, response.Headers.Location?.OriginalString);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.DoesNotContain(cookies, c => c.StartsWith("imp-admin=", StringComparison.Ordinal));
        var pending = Assert.Single(cookies, c => c.StartsWith("imp-admin-pending=", StringComparison.Ordinal));
        Assert.Contains("httponly", pending, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", pending, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(client));
        var page = await client.Http.GetAsync("/console/users");
        Assert.Equal("/console/login", page.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task PendingCookie_PresentedAsTheSessionCookie_OpensNoConsoleApi()
    {
        var (client, _, _, _) = await PastPasswordAsync(AdminRole.Superadmin);
        var pending = client.Cookies.GetCookies(_host.BaseAddress)["imp-admin-pending"]!.Value;
        client.Cookies.Add(_host.BaseAddress, new Cookie("imp-admin", pending, "/"));

        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(client));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync("/console/api/users")).StatusCode);
        client.Dispose();
    }

    [Fact]
    public async Task Code_Wrong_RefusedWithoutSessionAndAudited()
    {
        var (client, user, _, csrf) = await PastPasswordAsync();
        var wrong = ConsoleSecondFactor.CodeAt(new byte[TotpEnrollment.SeedBytes]);

        var response = await client.PostCodeAsync(csrf, wrong);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("That code is not right", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(client));
        Assert.Contains(_host.Audit.Events, e => e is { Kind: AuditKinds.AdminLogin, Result: AuditResults.Failure, Reason: OtpReasons.WrongCode, Methods: "pwd otp" }
            && e.UserId == user.Id);
        client.Dispose();
    }

    [Fact]
    public async Task Code_Right_SignsInAndIsAuditedWithBothMethods()
    {
        var (client, user, secret, csrf) = await PastPasswordAsync();

        var response = await client.PostCodeAsync(csrf, ConsoleSecondFactor.CodeAt(secret));

        Assert.Equal("/console/users", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(client));
        Assert.Null(client.Cookies.GetCookies(_host.BaseAddress)["imp-admin-pending"]);
        Assert.Contains(_host.Audit.Events, e => e is { Kind: AuditKinds.AdminLogin, Result: AuditResults.Success, Methods: "pwd otp" } && e.UserId == user.Id);
        client.Dispose();
    }

    [Fact]
    public async Task Code_UsedBySignInBefore_RefusedAsAReplay()
    {
        var (first, user, secret, csrf) = await PastPasswordAsync();
        var code = ConsoleSecondFactor.CodeAt(secret, stepOffset: 1);
        Assert.Equal("/console/users", (await first.PostCodeAsync(csrf, code)).Headers.Location?.OriginalString);

        using var second = new AdminClient(_host.BaseAddress);
        await second.PostPasswordAsync(user.Username, AdminHost.Password);
        var page = await second.Http.GetStringAsync(ConsoleSecondFactor.Path);
        var replay = await second.PostCodeAsync(AdminClient.CsrfFrom(page), code);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(second));
        Assert.Contains(_host.Audit.Events, e => e is { Kind: AuditKinds.AdminLogin, Reason: OtpReasons.ReplayedCode } && e.UserId == user.Id);
        first.Dispose();
    }

    [Fact]
    public async Task Code_WithAnotherFormToken_RefusedAndAudited()
    {
        var (client, user, secret, _) = await PastPasswordAsync();

        var response = await client.PostCodeAsync("forged", ConsoleSecondFactor.CodeAt(secret));

        Assert.Equal(ConsoleSecondFactor.Path, response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(client));
        Assert.Contains(_host.Audit.Events, e => e is { Kind: AuditKinds.AdminLogin, Reason: AuditReasons.BadCsrf } && e.UserId == user.Id);
        client.Dispose();
    }

    [Fact]
    public async Task Code_WithoutPendingSignIn_SentBackToThePassword()
    {
        using var client = new AdminClient(_host.BaseAddress);
        var response = await client.PostCodeAsync("any", "123456");
        Assert.Equal("/console/login", response.Headers.Location?.OriginalString);
        Assert.Equal("/console/login", (await client.Http.GetAsync(ConsoleSecondFactor.Path)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task FirstSignIn_AdministratorWithoutAnApp_EnrollsOneThenSignsIn()
    {
        var user = await _host.CreateUserAsync("first.admin", AdminRole.Superadmin);
        using var client = new AdminClient(_host.BaseAddress);
        await client.PostPasswordAsync(user.Username, AdminHost.Password);

        var page = await client.Http.GetStringAsync(ConsoleSecondFactor.Path);
        var key = ConsoleSecondFactor.ManualKeyOf(page);
        Assert.NotNull(key);
        Assert.Contains("id=\"totp-qr\"", page);
        var wrong = await client.PostCodeAsync(AdminClient.CsrfFrom(page), ConsoleSecondFactor.CodeAt(new byte[TotpEnrollment.SeedBytes]));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains(key!, await wrong.Content.ReadAsStringAsync());
        var response = await client.PostCodeAsync(AdminClient.CsrfFrom(page), ConsoleSecondFactor.CurrentCode(key!));

        Assert.Equal("/console/users", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(client));
        var enrollments = await _host.App.Services.GetRequiredService<IEnrollmentStore>().ListAsync(user.Id, default);
        Assert.Single(enrollments, e => e is { Factor: Factor.OtpToken, Confirmed: true });
    }

    [Fact]
    public async Task BreakGlass_PasswordAlone_SignsIn()
    {
        await _host.CreateUserAsync(AdminBootstrap.BreakGlassUsername, AdminRole.Superadmin);
        using var client = new AdminClient(_host.BaseAddress);

        var response = await client.PostPasswordAsync(AdminBootstrap.BreakGlassUsername, AdminHost.Password);

        Assert.Equal("/console/users", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(client));
    }

    [Fact]
    public async Task Codes_GuessedInParallel_OnlyAFewAreChecked()
    {
        var (client, user, _, csrf) = await PastPasswordAsync();
        var guesses = Enumerable.Range(0, 16).Select(i => client.PostCodeAsync(csrf, (100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var answers = await Task.WhenAll(guesses);

        // Three free attempts, then a wait (AccountThrottle): the rest are refused before their code is looked at.
        var checkedCodes = _host.Audit.Events.Count(e => e.Kind == AuditKinds.AdminLogin && e.UserId == user.Id && e.Reason == OtpReasons.WrongCode);
        Assert.InRange(checkedCodes, 1, AccountThrottle.FreeFailures);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal(16 - checkedCodes, _host.Audit.Events.Count(e => e.Kind == AuditKinds.AdminLogin && e.UserId == user.Id
            && e.Reason is AuditReasons.Throttled or AuditReasons.Contended));
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(client));
        client.Dispose();
    }
}
