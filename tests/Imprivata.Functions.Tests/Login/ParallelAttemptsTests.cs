using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Login;
using Imprivata.Functions.Tests.Oidc;
using Imprivata.Storage.Mfa;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Login;

/// <summary>
/// Guesses sent in parallel get no more checks than the throttle allows one after the other (NIST SP 800-63B 5.2.2): each
/// attempt is counted before its secret is, none answers 500 under contention, and every one is audited. The clock is
/// frozen so the throttle's waits cannot run out while the burst lands.
/// </summary>
public sealed class ParallelPasswordAttemptsTests(ClockedOidcFixture fx) : IClassFixture<ClockedOidcFixture>
{
    [Fact]
    public async Task Thirty_parallel_wrong_passwords_after_five_failures_get_one_check_no_500_and_all_audited()
    {
        fx.SyncToRealTime();
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var csrf = OidcFlow.CsrfOf(await (await browser.GetAsync("/login")).Content.ReadAsStringAsync());
        Task<HttpResponseMessage> PostAsync(string password) => browser.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["csrf"] = csrf, ["returnUrl"] = "", ["username"] = user.Username, ["password"] = password,
        });
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await PostAsync("wrong " + i)).StatusCode);
        // The first wait (1 s) is over, so one more attempt is due; a new minute, so the address's window of failures
        // (SignInLimits, 30) is empty and this burst is the account throttle's alone.
        fx.Clock!.Advance(TimeSpan.FromMinutes(1));

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => PostAsync("guess " + i)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var audited = await AuditOfAsync(fx, e => e.Kind == AuditKinds.LoginPassword && e.Username == user.Username);
        Assert.Equal(35, audited.Count);
        var burst = audited.Take(30).ToList(); // newest first
        Assert.Single(burst, e => e.Reason == AuditReasons.BadCredentials);
        Assert.All(burst, e => Assert.Contains(e.Reason, new[] { AuditReasons.BadCredentials, AuditReasons.Throttled, AuditReasons.Contended }));
        var passwordCounters = new TableThrottleStore(fx.Service.Services.GetRequiredService<TableSet>(), TableThrottleStore.Passwords);
        var counted = await passwordCounters.GetAsync(user.Id, CancellationToken.None);
        Assert.Equal(6, counted.ConsecutiveFailures);
    }

    internal static async Task<List<AuditEvent>> AuditOfAsync(OidcFixture fx, Func<AuditEvent, bool> which)
    {
        var found = new List<AuditEvent>();
        var now = fx.Clock!.GetUtcNow();
        await foreach (var e in fx.Service.Services.GetRequiredService<IAuditLog>().QueryAsync(now.AddHours(-1), now.AddHours(1), CancellationToken.None))
            if (which(e))
                found.Add(e);
        return found;
    }
}

/// <summary>The second-factor step under a burst of parallel codes: the three free attempts are checked, the rest wait.</summary>
public sealed class ParallelCodeAttemptsTests(ClockedMfaLoginFixture fx) : IClassFixture<ClockedMfaLoginFixture>
{
    [Fact]
    public async Task Fifty_parallel_wrong_codes_get_the_free_checks_only_no_500_and_all_audited()
    {
        await fx.UseWebSsoAsync([Factor.OtpToken]);
        var user = await fx.NewUserAsync();
        await fx.EnrollAsync(user, Factor.OtpToken);
        var browser = fx.NewBrowser();
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync(user.Username, OidcFixture.Password)).StatusCode);
        var csrf = OidcFlow.CsrfOf(await (await browser.GetAsync("/login/mfa/otp")).Content.ReadAsStringAsync());

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            browser.PostFormAsync("/login/mfa/otp", new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = (100000 + i).ToString() })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        var audited = await ParallelPasswordAttemptsTests.AuditOfAsync(fx, e => e.Kind == AuditKinds.LoginMfa && e.UserId == user.Id);
        Assert.Equal(50, audited.Count);
        Assert.Equal(AccountThrottle.FreeFailures, audited.Count(e => e.Reason == AuditReasons.BadCredentials));
        Assert.Equal(AccountThrottle.FreeFailures, (await fx.Service.Services.GetRequiredService<IThrottleStore>().GetAsync(user.Id, CancellationToken.None)).ConsecutiveFailures);

        fx.Codes.Expect(user, "424242");
        var right = await browser.PostFormAsync("/login/mfa/otp", new Dictionary<string, string> { ["csrf"] = csrf, ["code"] = "424242" });
        Assert.Contains("Too many failed attempts", await right.Content.ReadAsStringAsync());
    }
}

/// <summary><see cref="MfaLoginFixture"/> on a frozen clock.</summary>
public sealed class ClockedMfaLoginFixture : MfaLoginFixture
{
    protected override Task<TestService> StartServiceAsync()
    {
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        return TestService.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton<ICodeFactor>(Codes);
            builder.Services.AddSingleton<TimeProvider>(Clock);
        }, host: Host);
    }
}
