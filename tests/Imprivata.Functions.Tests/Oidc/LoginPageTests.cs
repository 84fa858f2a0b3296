using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>The password login page's web defences: CSRF, session rotation, cookies, one answer for every failure, audit, 303, framing.</summary>
public sealed class LoginPageTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private const string SessionCookie = "imp-sso";

    private static async Task<string> FormCsrfAsync(OidcFlow browser) =>
        OidcFlow.CsrfOf(await (await browser.GetAsync("/login")).Content.ReadAsStringAsync());

    private static Task<HttpResponseMessage> PostLoginAsync(OidcFlow browser, string? csrf, string username, string password) =>
        browser.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["csrf"] = csrf ?? "",
            ["returnUrl"] = "",
            ["username"] = username,
            ["password"] = password,
        }.Where(f => csrf is not null || f.Key != "csrf"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Login_WithoutTheFormsCsrfToken_RejectedWithoutSession(string? csrf)
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        await FormCsrfAsync(browser); // the browser has a csrf cookie; the POST does not carry its value
        var response = await PostLoginAsync(browser, csrf, user.Username, OidcFixture.Password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(browser.CookieValue(SessionCookie));
        var audit = fx.Service.Services.GetRequiredService<IAuditLog>();
        var refused = new List<AuditEvent>();
        await foreach (var e in audit.QueryAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None))
            if (e.Username == user.Username)
                refused.Add(e);
        Assert.Contains(refused, e => e.Kind == "login.password" && e.Result == AuditResults.Failure && e.Reason == AuditReasons.BadCsrf);
    }

    [Fact]
    public async Task Login_CsrfTokenFromAnotherBrowser_Rejected()
    {
        // Login CSRF: the attacker's own valid token does not match the victim's cookie.
        var user = await fx.NewUserAsync();
        using var attacker = fx.NewBrowser();
        using var victim = fx.NewBrowser();
        var attackerToken = await FormCsrfAsync(attacker);
        await FormCsrfAsync(victim);
        var response = await PostLoginAsync(victim, attackerToken, user.Username, OidcFixture.Password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(victim.CookieValue(SessionCookie));
    }

    [Fact]
    public async Task Login_WithoutCsrfCookie_Rejected()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var token = await FormCsrfAsync(browser);
        browser.Cookies.GetCookies(fx.Service.BaseUri)["imp-csrf"]!.Expired = true;
        var response = await PostLoginAsync(browser, token, user.Username, OidcFixture.Password);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(browser.CookieValue(SessionCookie));
    }

    [Fact]
    public async Task Login_Success_303ToReturnUrl()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var returnUrl = OidcFlow.AuthorizeUrl(fx.NewRequest());
        var response = await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl);
        // RFC 9110 15.4.4: 303 so the browser never re-POSTs the password.
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(returnUrl, OidcFlow.LocationOf(response));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/connect/authorize?x")]
    [InlineData("/connect/authorize\\@evil.example")]
    [InlineData("/console")]
    public async Task Login_ForeignReturnUrl_NeverFollowed(string returnUrl)
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var response = await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/login/done", OidcFlow.LocationOf(response));
    }

    [Fact]
    public async Task Login_Success_NewSessionIdEvenIfTheBrowserBroughtOne()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        // Session fixation: a value planted before login is never adopted.
        browser.Cookies.Add(fx.Service.BaseUri, new Cookie(SessionCookie, "planted-by-attacker-planted-by-attacker-123"));
        await browser.SignInAsync(user.Username, OidcFixture.Password);
        var first = browser.CookieValue(SessionCookie);
        Assert.NotNull(first);
        Assert.NotEqual("planted-by-attacker-planted-by-attacker-123", first);

        // A second password login in the same browser rotates the id again, and the old id is dead.
        await browser.SignInAsync(user.Username, OidcFixture.Password);
        var second = browser.CookieValue(SessionCookie);
        Assert.NotEqual(first, second);
        using var thief = fx.NewBrowser();
        thief.Cookies.Add(fx.Service.BaseUri, new Cookie(SessionCookie, first));
        Assert.StartsWith("/login?", OidcFlow.LocationOf(await thief.AuthorizeAsync(fx.NewRequest())));
    }

    [Fact]
    public async Task Login_Cookies_HttpOnlyWithSameSite()
    {
        var user = await fx.NewUserAsync();
        using var browser = fx.NewBrowser();
        var form = await browser.GetAsync("/login");
        var csrfCookie = Assert.Single(form.Headers.GetValues("Set-Cookie"), c => c.StartsWith("imp-csrf=", StringComparison.Ordinal));
        Assert.Contains("httponly", csrfCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", csrfCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", csrfCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", csrfCookie, StringComparison.OrdinalIgnoreCase);

        var posted = await PostLoginAsync(browser, OidcFlow.CsrfOf(await form.Content.ReadAsStringAsync()), user.Username, OidcFixture.Password);
        var session = Assert.Single(posted.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        // Lax: the cookie must ride the relying party's top-level GET to /connect/authorize.
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", session, StringComparison.OrdinalIgnoreCase);
        Assert.True(Regex.Match(session, SessionCookie + "=([^;]+)").Groups[1].Value.Length >= 43, "session id of 256 random bits");
    }

    [Fact]
    public async Task SessionCookie_OverHttps_SecureHostPrefixedSameSiteNone_SoCrossSitePostsCarryIt()
    {
        var user = await fx.NewUserAsync();
        var services = fx.Service.Services;
        var sessions = new Imprivata.Functions.Login.SsoSessions(services.GetRequiredService<Imprivata.Core.Sessions.ISsoSessionStore>(),
            services.GetRequiredService<Imprivata.Core.UserDirectory.IDirectoryStore>(), services.GetRequiredService<Imprivata.Core.Settings.ISettingsStore>(),
            Microsoft.Extensions.Options.Options.Create(new Imprivata.Functions.Infrastructure.ServiceOptions { PublicBaseUrl = "https://idp.example.org" }),
            TimeProvider.System, services.GetRequiredService<Imprivata.Functions.Oidc.BackchannelLogout>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Imprivata.Functions.Login.SsoSessions>.Instance);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();

        await sessions.StartAsync(http, user, ["pwd"], [], CancellationToken.None);

        var cookie = http.Response.Headers.SetCookie.Single(c => c!.StartsWith("__Host-imp-sso=", StringComparison.Ordinal)
            && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal))!;
        Assert.Contains("samesite=none", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_OverHttps_HostPrefixedSecureCookies()
    {
        await using var https = await TestService.StartAsync(new Dictionary<string, string?> { ["Imprivata:PublicBaseUrl"] = "https://login.example.test" });
        await https.AddUserAsync("alice", OidcFixture.Password);
        using var browser = new OidcFlow(https);
        var form = await browser.GetAsync("/login");
        var csrfCookie = Assert.Single(form.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-imp-csrf=", csrfCookie);
        Assert.Contains("secure", csrfCookie, StringComparison.OrdinalIgnoreCase);
        var token = OidcFlow.CsrfOf(await form.Content.ReadAsStringAsync());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = token, ["returnUrl"] = "", ["username"] = "alice", ["password"] = OidcFixture.Password }),
        };
        request.Headers.Add("Cookie", "__Host-imp-csrf=" + token);
        using var raw = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = https.BaseUri };
        var posted = await raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var session = Assert.Single(posted.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-imp-sso=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Login_UnknownUserWrongPasswordDisabledUnlicensed_SameResponse()
    {
        var wrongPassword = await fx.NewUserAsync();
        var disabled = await fx.NewUserAsync();
        await fx.Directory.SetEnabledAsync(disabled.Id, false, CancellationToken.None);
        var unlicensed = await fx.NewUserAsync(licensedForSso: false);
        const string username = "same-name-for-all";

        async Task<(HttpStatusCode, string, string?)> AttemptAsync(string user, string password)
        {
            using var browser = fx.NewBrowser();
            var response = await PostLoginAsync(browser, await FormCsrfAsync(browser), user, password);
            var html = await response.Content.ReadAsStringAsync();
            // The page echoes the username and a csrf token; everything else must be identical.
            html = html.Replace(user, username, StringComparison.Ordinal);
            html = Regex.Replace(html, "name=\"csrf\" value=\"[^\"]*\"", "name=\"csrf\" value=\"\"");
            return (response.StatusCode, html, browser.CookieValue(SessionCookie));
        }

        var answers = new[]
        {
            await AttemptAsync("no-such-user-anywhere", OidcFixture.Password),
            await AttemptAsync(wrongPassword.Username, "wrong password entirely"),
            await AttemptAsync(disabled.Username, OidcFixture.Password),
            await AttemptAsync(unlicensed.Username, OidcFixture.Password),
        };
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Item1));
        Assert.All(answers, a => Assert.Null(a.Item3));
        Assert.All(answers, a => Assert.Equal(answers[0].Item2, a.Item2));
        Assert.Contains("username or password is incorrect", answers[0].Item2);
    }

    [Fact]
    public async Task Login_Audit_ReasonsRecordedButNoSecrets()
    {
        var user = await fx.NewUserAsync();
        const string wrong = "Wr0ng-Secret-Passphrase-xyz";
        using var browser = fx.NewBrowser();
        var csrf = await FormCsrfAsync(browser);
        await PostLoginAsync(browser, csrf, user.Username, wrong);
        var tokens = await browser.GetTokensAsync(fx.NewRequest(), user.Username, OidcFixture.Password, fx.Secret);
        var sessionId = browser.CookieValue(SessionCookie)!;

        var audit = fx.Service.Services.GetRequiredService<IAuditLog>();
        var events = new List<AuditEvent>();
        await foreach (var e in audit.QueryAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None))
            events.Add(e);
        var mine = events.Where(e => e.Username == user.Username || e.UserId == user.Id).ToList();
        Assert.Contains(mine, e => e.Kind == "login.password" && e.Result == AuditResults.Failure && e.Reason == AuditReasons.BadCredentials);
        Assert.Contains(mine, e => e.Kind == "login.password" && e.Result == AuditResults.Success);

        var everything = JsonSerializer.Serialize(events);
        foreach (var secret in new[] { wrong, OidcFixture.Password, csrf, sessionId, fx.Secret, tokens.AccessToken!, tokens.RefreshToken!, tokens.IdToken! })
            Assert.DoesNotContain(secret, everything);
    }

    [Fact]
    public async Task Login_AfterFiveWrongPasswords_TheRightOneGetsTheSameAnswerUntilTheWaitIsOver()
    {
        var user = await fx.NewUserAsync();
        var unknown = await AttemptAsync("no-such-user-" + user.Username, OidcFixture.Password);
        for (var i = 0; i < 5; i++)
            await AttemptAsync(user.Username, "wrong password " + i);

        // NIST SP 800-63B 5.2.2: the sixth attempt waits (one second here), and looks exactly like any other failure.
        var waiting = await AttemptAsync(user.Username, OidcFixture.Password);
        Assert.Equal(HttpStatusCode.OK, waiting.Status);
        Assert.Null(waiting.Session);
        Assert.Equal(unknown.Html.Replace("no-such-user-" + user.Username, user.Username, StringComparison.Ordinal), waiting.Html);
        var audit = await AuditOfAsync(user);
        Assert.Equal(5, audit.Count(e => e.Reason == AuditReasons.BadCredentials));
        Assert.Contains(audit, e => e.Kind == "login.password" && e.Result == AuditResults.Failure && e.Reason == AuditReasons.Throttled);

        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var after = await AttemptAsync(user.Username, OidcFixture.Password);
        Assert.Equal(HttpStatusCode.SeeOther, after.Status);
        Assert.NotNull(after.Session);

        async Task<(HttpStatusCode Status, string Html, string? Session)> AttemptAsync(string username, string password)
        {
            using var browser = fx.NewBrowser();
            var response = await PostLoginAsync(browser, await FormCsrfAsync(browser), username, password);
            var html = Regex.Replace(await response.Content.ReadAsStringAsync(), "name=\"csrf\" value=\"[^\"]*\"", "name=\"csrf\" value=\"\"");
            return (response.StatusCode, html, browser.CookieValue(SessionCookie));
        }
    }

    private async Task<List<AuditEvent>> AuditOfAsync(Imprivata.Core.UserDirectory.DirectoryUser user)
    {
        var events = new List<AuditEvent>();
        await foreach (var e in fx.Service.Services.GetRequiredService<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None))
            if (e.UserId == user.Id || e.Username == user.Username)
                events.Add(e);
        return events;
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/login/done")]
    [InlineData("/login/signed-out")]
    [InlineData("/connect/authorize?client_id=no-such-client")]
    public async Task Pages_ForbidFraming(string path)
    {
        using var browser = fx.NewBrowser();
        var response = await browser.GetAsync(path);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Login_FailedPost_ForbidsFramingToo()
    {
        using var browser = fx.NewBrowser();
        var response = await PostLoginAsync(browser, await FormCsrfAsync(browser), "nobody", "nothing at all");
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }
}
