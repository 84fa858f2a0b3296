using Imprivata.Functions.Tests.Login;
using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Core.Policies;
using Imprivata.Functions.Mfa.WebAuthn;
using Imprivata.Functions.Oidc;
using Imprivata.Functions.Tests.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Imprivata.Functions.Tests.Mfa.WebAuthn;

/// <summary>The service on http://localhost, the one plain-http host browsers accept as a WebAuthn relying party.</summary>
public sealed class WebAuthnLoginFixture : MfaLoginFixture
{
    protected override string Host => "localhost";
}

/// <summary>
/// The WebAuthn login step and enrollment at login over HTTP, with a software authenticator doing what the browser and the
/// key would: real keys, real CBOR, real signatures over the challenge the page handed out.
/// </summary>
public sealed class WebAuthnLoginTests(WebAuthnLoginFixture fx) : IClassFixture<WebAuthnLoginFixture>
{
    private const string RpId = "localhost";
    private string Origin => fx.Service.BaseUri.GetLeftPart(UriPartial.Authority);

    private sealed record StepPage(string Html, string Csrf, JsonElement Options)
    {
        public byte[] Challenge => Base64Url.DecodeFromChars(Options.GetProperty("challenge").GetString()!);
    }

    [Fact]
    public async Task Enroll_at_the_prompt_then_sign_in_with_the_key_gives_fido_and_mfa()
    {
        await fx.UseWebSsoAsync([Factor.WebAuthn], EnrollmentRule.Default with { MayDelay = false });
        var user = await fx.NewUserAsync();
        using var key = new SoftwareAuthenticator();

        // First login: the rule prompts, the chooser links to WebAuthn enrollment, the key is registered.
        var (browser, request, posted) = await StartAsync(user.Username);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted));
        var chooser = await (await browser.GetAsync("/login/mfa")).Content.ReadAsStringAsync();
        Assert.Contains($"href=\"{WebAuthnLoginSetup.EnrollPath}\"", chooser);
        var enroll = await OpenAsync(browser, WebAuthnLoginSetup.EnrollPath);
        Assert.Equal(RpId, enroll.Options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Contains("src=\"/assets/webauthn.js\"", enroll.Html);
        Assert.Contains("id=\"webauthn-start\"", enroll.Html);
        var registered = await browser.PostFormAsync(WebAuthnLoginSetup.EnrollPath, RegistrationForm(enroll, key, "My blue key"));
        Assert.Equal(HttpStatusCode.SeeOther, registered.StatusCode);
        var enrolled = Assert.Single(await fx.Service.Services.GetRequiredService<WebAuthnCeremonies>().CredentialsAsync(user.Id, CancellationToken.None));
        Assert.Equal(("My blue key", key.CredentialIdText), (enrolled.Label, enrolled.CredentialId));
        var first = await TokensAfterAsync(browser, request, registered);
        Assert.Equal(["pwd", "fido", "mfa"], Amr(first));
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == "login.enroll" && e.UserId == user.Id && e.Result == AuditResults.Success && e.Methods == "webauthn");

        // Next login in a fresh browser: WebAuthn is the only factor, so /login/mfa goes straight to it.
        var (again, request2, posted2) = await StartAsync(user.Username);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(posted2));
        Assert.Equal(WebAuthnLoginSetup.LoginPath, OidcFlow.LocationOf(await again.GetAsync("/login/mfa")));
        var login = await OpenAsync(again, WebAuthnLoginSetup.LoginPath);
        Assert.Equal([key.CredentialIdText], login.Options.GetProperty("allowCredentials").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var done = await again.PostFormAsync(WebAuthnLoginSetup.LoginPath, AssertionForm(login, key));
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var second = await TokensAfterAsync(again, request2, done);
        Assert.Equal(["pwd", "fido", "mfa"], Amr(second));
        Assert.Equal(OidcClaims.AcrMfa, second.GetClaim("acr").Value);
        Assert.Equal(1u, (await fx.Service.Services.GetRequiredService<WebAuthnCeremonies>().CredentialsAsync(user.Id, CancellationToken.None))[0].SignCount);
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_counted_and_audited_and_spends_the_challenge()
    {
        await fx.UseWebSsoAsync([Factor.WebAuthn]);
        var user = await fx.NewUserAsync();
        using var key = new SoftwareAuthenticator();
        await EnrollAsync(user, key);
        var (browser, request, _) = await StartAsync(user.Username);

        var page = await OpenAsync(browser, WebAuthnLoginSetup.LoginPath);
        var form = AssertionForm(page, key);
        var signature = Base64Url.DecodeFromChars(form["signature"]);
        signature[^1] ^= 0x01;
        form["signature"] = Base64Url.EncodeToString(signature);
        var wrong = await browser.PostFormAsync(WebAuthnLoginSetup.LoginPath, form);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("could not be verified", wrongHtml);
        Assert.Equal(1, await FailuresAsync(user));
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == "login.mfa" && e.UserId == user.Id && e.Result == AuditResults.Failure
            && e.Methods == "webauthn" && e.Reason == WebAuthnError.SignatureInvalid.Code());
        Assert.Null(browser.CookieValue("imp-sso"));

        // A correct signature over the spent challenge is refused too; the challenge on the new page works.
        var stale = await browser.PostFormAsync(WebAuthnLoginSetup.LoginPath, AssertionForm(page, key));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Equal(2, await FailuresAsync(user));
        var fresh = ParsePage(await stale.Content.ReadAsStringAsync());
        var done = await browser.PostFormAsync(WebAuthnLoginSetup.LoginPath, AssertionForm(fresh, key));
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal(["pwd", "fido", "mfa"], Amr(await TokensAfterAsync(browser, request, done)));
        Assert.Equal(0, await FailuresAsync(user));
    }

    [Fact]
    public async Task A_replayed_assertion_post_is_refused()
    {
        await fx.UseWebSsoAsync([Factor.WebAuthn]);
        var user = await fx.NewUserAsync();
        using var key = new SoftwareAuthenticator();
        await EnrollAsync(user, key);
        var (browser, _, _) = await StartAsync(user.Username);
        var pendingCookie = browser.CookieValue("imp-mfa")!;
        var page = await OpenAsync(browser, WebAuthnLoginSetup.LoginPath);
        var form = AssertionForm(page, key);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PostFormAsync(WebAuthnLoginSetup.LoginPath, form)).StatusCode);

        // The same POST with the same pending-login cookie: that login is finished.
        var attacker = fx.NewBrowser();
        attacker.Cookies.Add(fx.Service.BaseUri, new Cookie("imp-mfa", pendingCookie));
        attacker.Cookies.Add(fx.Service.BaseUri, new Cookie("imp-csrf", browser.CookieValue("imp-csrf")!));
        var replay = await attacker.PostFormAsync(WebAuthnLoginSetup.LoginPath, form);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Contains("Sign-in expired", await replay.Content.ReadAsStringAsync());
        Assert.Null(attacker.CookieValue("imp-sso"));

        // The same signed response in a new login of the same user (who knows the password): not this login's challenge.
        var (second, _, _) = await StartAsync(user.Username);
        var secondPage = await OpenAsync(second, WebAuthnLoginSetup.LoginPath);
        form["csrf"] = secondPage.Csrf;
        var replayed = await second.PostFormAsync(WebAuthnLoginSetup.LoginPath, form);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Null(second.CookieValue("imp-sso"));
        Assert.Contains(await RecentAuditAsync(), e => e.UserId == user.Id && e.Reason == WebAuthnError.ChallengeMismatch.Code());
    }

    [Fact]
    public async Task A_cancelled_ceremony_shows_the_reason_without_counting_a_failure()
    {
        await fx.UseWebSsoAsync([Factor.WebAuthn]);
        var user = await fx.NewUserAsync();
        using var key = new SoftwareAuthenticator();
        await EnrollAsync(user, key);
        var (browser, _, _) = await StartAsync(user.Username);
        var page = await OpenAsync(browser, WebAuthnLoginSetup.LoginPath);
        var cancelled = await browser.PostFormAsync(WebAuthnLoginSetup.LoginPath, new Dictionary<string, string>
        {
            ["csrf"] = page.Csrf,
            ["clientError"] = "NotAllowedError",
        });
        Assert.Equal(HttpStatusCode.BadRequest, cancelled.StatusCode);
        var html = await cancelled.Content.ReadAsStringAsync();
        Assert.Contains("id=\"webauthn-error\"", html);
        Assert.Contains("cancelled or timed out", html);
        Assert.Equal(0, await FailuresAsync(user));
        Assert.Contains(await RecentAuditAsync(), e => e.UserId == user.Id && e.Reason == WebAuthnLoginEndpoints.ClientError && e.Detail == "NotAllowedError");
        // The cancelled page's challenge is spent.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostFormAsync(WebAuthnLoginSetup.LoginPath, AssertionForm(page, key))).StatusCode);
    }

    [Fact]
    public async Task Enrollment_post_without_csrf_stores_nothing_and_the_login_step_needs_an_offer()
    {
        await fx.UseWebSsoAsync([Factor.WebAuthn], EnrollmentRule.Default with { MayDelay = false });
        var user = await fx.NewUserAsync();
        using var key = new SoftwareAuthenticator();
        var (browser, _, _) = await StartAsync(user.Username);
        // Not enrolled: the login step is not what the plan asks for.
        var login = await browser.GetAsync(WebAuthnLoginSetup.LoginPath);
        Assert.Equal("/login/mfa", OidcFlow.LocationOf(login));

        var page = await OpenAsync(browser, WebAuthnLoginSetup.EnrollPath);
        var form = RegistrationForm(page, key, "key");
        form.Remove("csrf");
        var response = await browser.PostFormAsync(WebAuthnLoginSetup.EnrollPath, form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await fx.Service.Services.GetRequiredService<WebAuthnCeremonies>().CredentialsAsync(user.Id, CancellationToken.None));
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == "login.enroll" && e.UserId == user.Id && e.Reason == AuditReasons.BadCsrf);
    }

    [Fact]
    public async Task Responses_the_library_cannot_parse_are_refused_with_a_reason_and_audited_never_a_500()
    {
        await fx.UseWebSsoAsync([Factor.WebAuthn], EnrollmentRule.Default with { MayDelay = false });
        var user = await fx.NewUserAsync();
        using var key = new SoftwareAuthenticator();

        // Enrollment: well-formed base64url, but an attestation object whose statement nests deeper than any format allows.
        var (browser, _, _) = await StartAsync(user.Username);
        var enroll = await OpenAsync(browser, WebAuthnLoginSetup.EnrollPath);
        var form = RegistrationForm(enroll, key, "key");
        byte[] deep = [0xa3, 0x63, .. "fmt"u8, 0x64, .. "none"u8, 0x67, .. "attStmt"u8, .. Enumerable.Repeat((byte)0x81, 2000), 0x00,
            0x68, .. "authData"u8, 0x40];
        form["attestationObject"] = Base64Url.EncodeToString(deep);
        var refused = await browser.PostFormAsync(WebAuthnLoginSetup.EnrollPath, form);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("could not be verified", await refused.Content.ReadAsStringAsync());
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == AuditKinds.LoginMfa && e.UserId == user.Id && e.Result == AuditResults.Failure
            && e.Reason == WebAuthnError.MalformedAttestation.Code());
        Assert.Empty(await fx.Service.Services.GetRequiredService<WebAuthnCeremonies>().CredentialsAsync(user.Id, CancellationToken.None));

        // Login: authenticator data that claims attested credential data it does not carry.
        await EnrollAsync(user, key);
        var (again, _, _) = await StartAsync(user.Username);
        var page = await OpenAsync(again, WebAuthnLoginSetup.LoginPath);
        var assertion = AssertionForm(page, key);
        assertion["authenticatorData"] = Base64Url.EncodeToString([.. SoftwareAuthenticator.AuthData(RpId, 0x45, 2), 0x01, 0x02]);
        var bad = await again.PostFormAsync(WebAuthnLoginSetup.LoginPath, assertion);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains(await RecentAuditAsync(), e => e.Kind == AuditKinds.LoginMfa && e.UserId == user.Id && e.Result == AuditResults.Failure
            && e.Reason == WebAuthnError.MalformedAuthenticatorData.Code());
        Assert.Null(again.CookieValue("imp-sso"));
    }

    [Fact]
    public async Task The_pages_script_is_served_from_our_origin()
    {
        var script = await fx.NewBrowser().GetAsync("/assets/webauthn.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("navigator.credentials.get", await script.Content.ReadAsStringAsync());
    }

    // ---- helpers ----

    private async Task<(OidcFlow Browser, AuthorizeRequest Request, HttpResponseMessage AfterPassword)> StartAsync(string username)
    {
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        return (browser, request, await browser.SignInAsync(username, OidcFixture.Password, returnUrl));
    }

    private static async Task<StepPage> OpenAsync(OidcFlow browser, string path)
    {
        var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        return ParsePage(html);
    }

    private static StepPage ParsePage(string html)
    {
        var match = Regex.Match(html, "data-webauthn-options=\"([^\"]*)\"");
        Assert.True(match.Success, "no WebAuthn options in: " + html);
        var options = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement.Clone();
        return new StepPage(html, OidcFlow.CsrfOf(html), options);
    }

    private Dictionary<string, string> RegistrationForm(StepPage page, SoftwareAuthenticator key, string label)
    {
        var (clientData, attestation) = key.Register(RpId, Origin, page.Challenge);
        return new Dictionary<string, string>
        {
            ["csrf"] = page.Csrf,
            ["credentialId"] = key.CredentialIdText,
            ["clientDataJson"] = Base64Url.EncodeToString(clientData),
            ["attestationObject"] = Base64Url.EncodeToString(attestation),
            ["transports"] = "usb",
            ["label"] = label,
            ["clientError"] = "",
        };
    }

    private Dictionary<string, string> AssertionForm(StepPage page, SoftwareAuthenticator key)
    {
        var (clientData, authData, signature) = key.Assert(RpId, Origin, page.Challenge);
        return new Dictionary<string, string>
        {
            ["csrf"] = page.Csrf,
            ["credentialId"] = key.CredentialIdText,
            ["clientDataJson"] = Base64Url.EncodeToString(clientData),
            ["authenticatorData"] = Base64Url.EncodeToString(authData),
            ["signature"] = Base64Url.EncodeToString(signature),
            ["userHandle"] = "",
            ["clientError"] = "",
        };
    }

    /// <summary>Registers the key for the user through the service's own ceremony (what the enrollment page does).</summary>
    private async Task EnrollAsync(DirectoryUser user, SoftwareAuthenticator key)
    {
        var ceremonies = fx.Service.Services.GetRequiredService<WebAuthnCeremonies>();
        var start = await ceremonies.CreateRegistrationOptionsAsync(user.Id, user.Username, user.DisplayName, CancellationToken.None);
        Assert.NotNull(start);
        var (clientData, attestation) = key.Register(RpId, Origin, start.Challenge.Value);
        var (result, _) = await ceremonies.VerifyRegistrationAsync(user.Id, start.Challenge, new RegistrationResponse(key.CredentialId, clientData, attestation, []), "test key",
            CancellationToken.None);
        Assert.True(result.Succeeded, result.Error.ToString());
    }

    private async Task<JsonWebToken> TokensAfterAsync(OidcFlow browser, AuthorizeRequest request, HttpResponseMessage done)
    {
        var back = await browser.GetAsync(OidcFlow.LocationOf(done));
        var code = OidcFlow.ResponseAt(OidcFlow.LocationOf(back)).Code;
        Assert.NotNull(code);
        var tokens = await browser.RedeemAsync(request, code!, fx.Secret);
        Assert.True(tokens.Status == HttpStatusCode.OK, "token request failed: " + tokens.Json);
        return new JsonWebToken(tokens.IdToken);
    }

    private static List<string> Amr(JsonWebToken idToken) => [.. idToken.Claims.Where(c => c.Type == "amr").Select(c => c.Value)];

    private async Task<int> FailuresAsync(DirectoryUser user) =>
        (await fx.Service.Services.GetRequiredService<IThrottleStore>().GetAsync(user.Id, CancellationToken.None)).ConsecutiveFailures;

    private async Task<List<AuditEvent>> RecentAuditAsync()
    {
        var log = fx.Service.Services.GetRequiredService<IAuditLog>();
        var now = DateTimeOffset.UtcNow;
        var list = new List<AuditEvent>();
        await foreach (var e in log.QueryAsync(now.AddMinutes(-5), now.AddMinutes(1), CancellationToken.None))
            list.Add(e);
        return list;
    }
}

/// <summary>On an IP-address host WebAuthn cannot work in any browser, so the login never offers it.</summary>
public sealed class WebAuthnOnAnIpHostTests(MfaLoginFixture fx) : IClassFixture<MfaLoginFixture>
{
    [Fact]
    public async Task The_chooser_does_not_offer_webauthn_and_its_pages_do_not_exist()
    {
        Assert.False(fx.Service.Services.GetRequiredService<WebAuthnCeremonies>().IsAvailable);
        await fx.UseWebSsoAsync([Factor.WebAuthn], EnrollmentRule.Default with { MayDelay = true, UnenrolledAccess = UnenrolledAccess.PasswordOnly });
        var user = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var request = fx.NewRequest();
        var first = await browser.AuthorizeAsync(request);
        var returnUrl = QueryHelpers.ParseQuery(new Uri(fx.Service.BaseUri, OidcFlow.LocationOf(first)).Query)["returnUrl"].ToString();
        await browser.SignInAsync(user.Username, OidcFixture.Password, returnUrl);

        var chooser = await (await browser.GetAsync("/login/mfa")).Content.ReadAsStringAsync();
        Assert.Contains("Set up a second factor", chooser);
        Assert.DoesNotContain("webauthn", chooser, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(WebAuthnLoginSetup.EnrollPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(WebAuthnLoginSetup.LoginPath)).StatusCode);
    }
}
