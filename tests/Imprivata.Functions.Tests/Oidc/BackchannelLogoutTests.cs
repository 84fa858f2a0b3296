using Imprivata.Core.Sessions;
using Imprivata.Functions.Audit;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Functions.Oidc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// OIDC Back-Channel Logout 1.0: when the SSO session ends, each app of it with a back-channel logout URI receives a logout
/// token signed with a key of our JWKS, naming the user and the sid its ID token carried. The tokens are checked here with
/// Microsoft.IdentityModel against the published JWKS (the end-to-end test checks them with the jose npm library).
/// </summary>
public sealed class BackchannelLogoutTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly Uri RedirectUri = new("https://app.example/cb");
    private readonly LogoutReceiver _receiver = new();
    private TestService _service = null!;
    private readonly Dictionary<string, string> _secrets = [];

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync();
        foreach (var (clientId, listens) in new[] { ("app-a", true), ("app-b", true), ("app-c", false) })
        {
            _secrets[clientId] = await _service.AddOidcAppAsync(clientId, [RedirectUri]);
            if (listens)
            {
                var profiles = _service.Services.GetRequiredService<IAppProfileStore>();
                var profile = (await profiles.FindAsync(clientId, CancellationToken.None))!;
                await profiles.SaveAsync(profile with { BackchannelLogoutUri = new Uri(_receiver.BaseUri, clientId) }, CancellationToken.None);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _receiver.Dispose();
    }

    private async Task<string> IdTokenAsync(OidcFlow browser, string clientId, string username)
    {
        var tokens = await browser.GetTokensAsync(OidcFlow.NewRequest(clientId, RedirectUri), username, Password, _secrets[clientId]);
        return tokens.IdToken!;
    }

    private async Task<JsonWebToken> ValidAsync(string logoutToken, string audience)
    {
        using var http = new HttpClient { BaseAddress = _service.BaseUri };
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(logoutToken, new TokenValidationParameters
        {
            ValidIssuer = _service.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = [BackchannelLogout.TokenType],
        });
        Assert.True(result.IsValid, "logout token invalid: " + result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private static string Sid(string idToken) => new JsonWebToken(idToken).GetClaim("sid").Value;

    [Fact]
    public async Task Discovery_AnnouncesBackchannelLogoutWithSessions()
    {
        using var http = new HttpClient { BaseAddress = _service.BaseUri };
        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));

        Assert.True(discovery.RootElement.GetProperty("backchannel_logout_supported").GetBoolean());
        Assert.True(discovery.RootElement.GetProperty("backchannel_logout_session_supported").GetBoolean());
    }

    [Fact]
    public async Task Logout_TellsEachAppOfTheSessionThatListens_WithATokenNamingUserAndSid()
    {
        var alice = await _service.AddUserAsync("bcl.alice", Password);
        using var browser = new OidcFlow(_service);
        var idA = await IdTokenAsync(browser, "app-a", "bcl.alice");
        var idB = await IdTokenAsync(browser, "app-b", "bcl.alice"); // single sign-on: same session
        await IdTokenAsync(browser, "app-c", "bcl.alice");

        var logout = await browser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", "id_token_hint", idA));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(Sid(idA), Sid(idB));
        Assert.True(Sid(idA).Length >= 22, "sid of at least 128 random bits");
        Assert.Equal(["app-a", "app-b"], _receiver.Received.Keys.Order());
        foreach (var (clientId, token) in _receiver.Received)
        {
            var jwt = await ValidAsync(token, clientId);
            Assert.Equal(alice.Id, jwt.Subject);
            Assert.Equal(Sid(idA), jwt.GetClaim("sid").Value);
            Assert.True(jwt.TryGetPayloadValue<JsonElement>("events", out var events) && events.TryGetProperty(BackchannelLogout.EventType, out _));
            Assert.False(jwt.TryGetPayloadValue<string>("nonce", out _)); // section 2.4: a logout token never carries a nonce
            Assert.False(string.IsNullOrEmpty(jwt.Id));
            Assert.InRange(jwt.ValidTo - jwt.IssuedAt, TimeSpan.FromSeconds(1), BackchannelLogout.TokenLifetime);
        }
        var audited = await AuditedAsync(alice.Id);
        Assert.Equal(["app-a", "app-b"], audited.Where(e => e.Result == AuditResults.Success).Select(e => e.ClientId).Order());
    }

    [Fact]
    public async Task AnotherUserSigningInInTheSameBrowser_EndsTheFirstUsersSessionForItsAppsToo()
    {
        var first = await _service.AddUserAsync("bcl.first", Password);
        await _service.AddUserAsync("bcl.second", Password);
        using var browser = new OidcFlow(_service);
        var idToken = await IdTokenAsync(browser, "app-a", "bcl.first");

        // The shared workstation: the next user signs in without the first having signed out.
        var signIn = await browser.SignInAsync("bcl.second", Password);

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        var jwt = await ValidAsync(Assert.Single(_receiver.Received).Value, "app-a");
        Assert.Equal(first.Id, jwt.Subject);
        Assert.Equal(Sid(idToken), jwt.GetClaim("sid").Value);
    }

    [Fact]
    public async Task TheSameUserSigningInAgain_KeepsTheSessionsSid_AndTellsNoApp()
    {
        await _service.AddUserAsync("bcl.again", Password);
        using var browser = new OidcFlow(_service);
        var before = await IdTokenAsync(browser, "app-a", "bcl.again");
        // prompt=login really asks for the password again (else this test would prove nothing).
        Assert.StartsWith("/login", OidcFlow.LocationOf(await browser.AuthorizeAsync(OidcFlow.NewRequest("app-b", RedirectUri).With("prompt", "login"))));

        var after = (await browser.GetTokensAsync(OidcFlow.NewRequest("app-b", RedirectUri).With("prompt", "login"), "bcl.again", Password, _secrets["app-b"])).IdToken!;

        Assert.Equal(Sid(before), Sid(after));
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task SigningInAgainAfterAPasswordReset_StartsANewSid_AndTellsTheOldSessionsApps()
    {
        var user = await _service.AddUserAsync("bcl.reset", Password);
        using var browser = new OidcFlow(_service);
        var before = await IdTokenAsync(browser, "app-a", "bcl.reset");
        // The helpdesk resets the password of a possibly compromised account; the browser still holds the old cookie.
        await _service.Services.GetRequiredService<Imprivata.Core.UserDirectory.DirectoryService>().SetPasswordAsync(user.Id, Password, CancellationToken.None);

        var after = await IdTokenAsync(browser, "app-b", "bcl.reset");

        Assert.NotEqual(Sid(before), Sid(after));
        var told = await ValidAsync(Assert.Single(_receiver.Received).Value, "app-a");
        Assert.Equal(Sid(before), told.GetClaim("sid").Value);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("password")]
    [InlineData("second-factors")]
    public async Task AnAdministratorDisablingOrResettingAUser_EndsEveryOneOfTheirSessions_AndTellsTheirApps(string action)
    {
        var user = await _service.AddUserAsync("bcl.leaver." + action, Password);
        var admin = await _service.AddUserAsync("bcl.root." + action, Password, role: Imprivata.Core.UserDirectory.AdminRole.Superadmin);
        using var desk = new OidcFlow(_service);
        using var ward = new OidcFlow(_service);
        var onDesk = await IdTokenAsync(desk, "app-a", user.Username);
        var onWard = await IdTokenAsync(ward, "app-b", user.Username);
        var actor = new Imprivata.Functions.Admin.AdminPrincipal(admin, "session",
            new Imprivata.Core.Sessions.AdminSession { UserId = admin.Id, CreatedAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow, CsrfToken = "x" },
            "192.0.2.7", "request-1");
        var users = _service.Services.GetRequiredService<Imprivata.Functions.Admin.UserAdministration>();

        var changed = action switch
        {
            "disable" => (await users.SetEnabledAsync(actor, user.Id, false, CancellationToken.None)).Succeeded,
            "password" => (await users.SetPasswordAsync(actor, user.Id, "a new password for " + user.Username, CancellationToken.None)).Succeeded,
            _ => (await _service.Services.GetRequiredService<Imprivata.Functions.Admin.Methods.EnrolledMethodsAdministration>()
                .ResetAsync(actor, user.Id, CancellationToken.None)).Succeeded,
        };

        Assert.True(changed);
        Assert.Equal(Sid(onDesk), (await ValidAsync(_receiver.Received["app-a"], "app-a")).GetClaim("sid").Value);
        Assert.Equal(Sid(onWard), (await ValidAsync(_receiver.Received["app-b"], "app-b")).GetClaim("sid").Value);
        Assert.All(await AuditedAsync(user.Id), e => Assert.Equal((admin.Username, "192.0.2.7"), (e.Actor, e.Ip)));
        Assert.Empty(await _service.Services.GetRequiredService<Imprivata.Core.Sessions.ISsoSessionStore>().ListByUserAsync(user.Id, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task EndingEverySessionAfterAReset_SparesASessionStartedSince()
    {
        var user = await _service.AddUserAsync("bcl.since", Password);
        var reset = await _service.Services.GetRequiredService<Imprivata.Core.UserDirectory.DirectoryService>().SetPasswordAsync(user.Id, Password, CancellationToken.None);
        using var browser = new OidcFlow(_service);
        await IdTokenAsync(browser, "app-a", user.Username); // signed in after the reset, while the scan would still be running

        var ended = await _service.Services.GetRequiredService<Imprivata.Functions.Login.SsoSessions>()
            .EndEveryAsync(user.Id, reset.Value!.CredentialsChangedAt, new AuditOrigin("192.0.2.7", "request-2", "root"));

        Assert.Equal(0, ended);
        Assert.Empty(_receiver.Received);
        Assert.NotNull(OidcFlow.ResponseAt(OidcFlow.LocationOf(await browser.AuthorizeAsync(OidcFlow.NewRequest("app-a", RedirectUri)))).Code);
    }

    [Fact]
    public async Task AnAppThatRefusesOrIsDown_IsAuditedAsAFailure_AndTheUserIsSignedOutAnyway()
    {
        var user = await _service.AddUserAsync("bcl.refused", Password);
        using var browser = new OidcFlow(_service);
        var idToken = await IdTokenAsync(browser, "app-a", "bcl.refused");
        _receiver.Status = HttpStatusCode.InternalServerError;

        await browser.GetAsync(QueryHelpers.AddQueryString("/connect/logout", "id_token_hint", idToken));

        var failure = Assert.Single(await AuditedAsync(user.Id));
        Assert.Equal((AuditResults.Failure, "status_500", "app-a"), (failure.Result, failure.Reason, failure.ClientId));
        Assert.StartsWith("/login", OidcFlow.LocationOf(await browser.AuthorizeAsync(OidcFlow.NewRequest("app-a", RedirectUri))));
    }

    private async Task<List<AuditEvent>> AuditedAsync(string userId)
    {
        var log = _service.Services.GetRequiredService<IAuditLog>();
        var now = DateTimeOffset.UtcNow;
        return await log.QueryAsync(now.AddMinutes(-5), now.AddMinutes(1), CancellationToken.None)
            .Where(e => e.Kind == BackchannelLogout.AuditKind && e.UserId == userId).ToListAsync();
    }

    /// <summary>An app's back-channel logout endpoint: records the logout_token posted to /{clientId}.</summary>
    private sealed class LogoutReceiver : IDisposable
    {
        private readonly LoopbackHttpPeer _peer;

        public LogoutReceiver() => _peer = new LoopbackHttpPeer(ReceiveAsync);

        public Uri BaseUri => _peer.BaseUri;
        public ConcurrentDictionary<string, string> Received { get; } = new();
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        private async Task ReceiveAsync(HttpListenerContext context)
        {
            using var reader = new StreamReader(context.Request.InputStream);
            var form = QueryHelpers.ParseQuery(await reader.ReadToEndAsync());
            if (context.Request.HttpMethod == "POST" && context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal) == true
                && form.TryGetValue("logout_token", out var token))
                Received[context.Request.Url!.AbsolutePath.Trim('/')] = token.ToString();
            context.Response.StatusCode = (int)Status;
        }

        public void Dispose() => _peer.Dispose();
    }
}
