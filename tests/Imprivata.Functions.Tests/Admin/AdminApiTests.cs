using Imprivata.Core.Sessions;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Passwords;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Imprivata.Functions.Tests.Admin;

public sealed class AdminApiTests : SignedInSuperadmin
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertReason(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(reason, (await Json(response)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Api_WithoutSession_Returns401Json()
    {
        using var anonymous = Host.NewClient();
        var response = await anonymous.Http.GetAsync("/console/api/users");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", (await Json(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Api_UnsafeMethodWithoutCsrfHeader_Returns403AndChangesNothing()
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/users", new { username = "mallory" }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("bad_csrf", (await Json(response)).GetProperty("error").GetString());
        Root.Csrf = "wrong" + Root.Csrf;
        Assert.Equal(HttpStatusCode.Forbidden, (await Root.SendAsync(HttpMethod.Post, "/console/api/users", new { username = "mallory" })).StatusCode);
        Assert.Null(await Host.App.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync("mallory", default));
    }

    [Fact]
    public async Task Login_UnknownUserWrongPasswordOrNotAdmin_SameAnswerNoSession()
    {
        await Host.CreateUserAsync("plain");
        var answers = new List<string>();
        foreach (var (user, password) in new[] { ("nobody", AdminHost.Password), ("root", "wrong password here"), ("plain", AdminHost.Password) })
        {
            using var client = Host.NewClient();
            var response = await client.PostLoginAsync(user, password);
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            answers.Add(response.Headers.Location!.OriginalString + "|" + await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync("/console/api/session")).StatusCode);
        }
        Assert.Single(answers.Distinct());
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.login" && e.Reason == AuditReasons.UnknownUser);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.login" && e.Reason == AuditReasons.Forbidden && e.Username == "plain");
    }

    [Fact]
    public async Task Login_UnknownUsername_AuditedAsAKeyedFingerprintNeverAsTyped()
    {
        var typed = "Secret-typed-in-the-name-field-" + Guid.NewGuid().ToString("N")[..8];
        using var first = Host.NewClient();
        await first.PostLoginAsync(typed, AdminHost.Password);
        using var second = Host.NewClient();
        await second.PostLoginAsync(typed, AdminHost.Password);

        Assert.DoesNotContain(typed, JsonSerializer.Serialize(Host.Audit.Events), StringComparison.OrdinalIgnoreCase);
        var recorded = Host.Audit.Events.Where(e => e.Kind == AuditKinds.AdminLogin && e.Reason == AuditReasons.UnknownUser).TakeLast(2).ToList();
        Assert.Equal(2, recorded.Count);
        Assert.Matches("^unknown:[0-9a-f]{12}$", recorded[0].Username);
        Assert.Equal(recorded[0].Username, recorded[1].Username);
    }

    [Fact]
    public async Task Login_WrongPasswordsAnywhere_MakeTheAdministratorWaitWithTheSameAnswer()
    {
        // One account, one counter: wrong passwords typed at the app sign-in page count here too.
        var root = await Host.App.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync("root", default);
        var attempts = Host.App.Services.GetRequiredService<PasswordAttempts>();
        for (var i = 0; i < 5; i++)
            Assert.Equal(AuditReasons.BadCredentials, await attempts.VerifyAsync("root", root, "wrong password " + i, default));

        using var refused = Host.NewClient();
        var waiting = await refused.PostLoginAsync("root", AdminHost.Password);
        using var stranger = Host.NewClient();
        var unknown = await stranger.PostLoginAsync("nobody", AdminHost.Password);
        Assert.Equal(unknown.Headers.Location, waiting.Headers.Location);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await waiting.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await refused.Http.GetAsync("/console/api/session")).StatusCode);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.login" && e.Reason == AuditReasons.Throttled && e.UserId == root!.Id);
    }

    [Fact]
    public async Task SetPassword_ClearsTheWaitEarnedWithTheOldPassword()
    {
        // The helpdesk call after a forgotten password: the new password works at once, not after up to 15 minutes.
        var user = await Host.CreateUserAsync("forgetful", AdminRole.None);
        var attempts = Host.App.Services.GetRequiredService<PasswordAttempts>();
        for (var i = 0; i < 10; i++)
            await attempts.VerifyAsync(user.Username, user, "old guess " + i, default);

        var response = await Root.SendAsync(HttpMethod.Put, $"/console/api/users/{user.Id}/password", new { password = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var reset = await Host.App.Services.GetRequiredService<IDirectoryStore>().FindUserByIdAsync(user.Id, default);
        Assert.Equal(AuditReasons.Ok, await attempts.VerifyAsync(reset!.Username, reset, "a brand new passphrase", default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.user.password" && e.UserId == user.Id && e.Detail == "password failures cleared");
    }

    [Fact]
    public async Task Login_WithoutLoginCsrfToken_IsRefused()
    {
        using var client = Host.NewClient();
        await client.Http.GetStringAsync("/console/login");
        var response = await client.Http.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = "forged", ["username"] = "root", ["password"] = AdminHost.Password,
        }));
        Assert.Equal("/console/login?failed=true", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync("/console/api/session")).StatusCode);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.login" && e.Result == AuditResults.Failure && e.Reason == AuditReasons.BadCsrf && e.Username == "root");
    }

    [Fact]
    public async Task Login_Success_SetsStrictHttpOnlyCookieAndRotatesId()
    {
        using var client = Host.NewClient();
        var first = await client.PostLoginAsync("root", AdminHost.Password);
        var header = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("imp-admin="));
        Assert.Contains("httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", header, StringComparison.OrdinalIgnoreCase);
        var oldId = client.Cookies.GetCookies(Host.BaseAddress)["imp-admin"]!.Value;

        await client.PostLoginAsync("root", AdminHost.Password);
        var newId = client.Cookies.GetCookies(Host.BaseAddress)["imp-admin"]!.Value;
        Assert.NotEqual(oldId, newId);

        using var stale = Host.NewClient();
        stale.Cookies.Add(Host.BaseAddress, new Cookie("imp-admin", oldId));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.Http.GetAsync("/console/api/session")).StatusCode);
    }

    [Fact]
    public async Task Helpdesk_ReadsUsersButCannotChangeAppsSettingsOrUsers()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");
        Assert.Equal(HttpStatusCode.OK, (await desk.Http.GetAsync("/console/api/users")).StatusCode);
        var app = await desk.SendAsync(HttpMethod.Post, "/console/api/apps/oidc", new { adminName = "x", displayName = "x", redirectUris = new[] { "https://rp.example/cb" } });
        Assert.Equal(HttpStatusCode.Forbidden, app.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Put, "/console/api/settings/web-login", new { backgroundColor = "#000000" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Post, "/console/api/users", new { username = "made", adminRole = "Superadmin" })).StatusCode);
        Host.Registry.Verify(r => r.CreateAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<IReadOnlyList<Uri>>(), It.IsAny<IReadOnlyList<Uri>>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.access" && e.Actor == "desk" && e.Reason == AuditReasons.Forbidden);
    }

    [Fact]
    public async Task Users_CreateGetSearchUpdateDisablePasswordDelete()
    {
        var created = await Root.SendAsync(HttpMethod.Post, "/console/api/users",
            new { username = "nurse.joy", displayName = "Joy", organizationalUnit = "Clinical/Nursing", password = "twelve chars ok" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        var id = body.GetProperty("id").GetString()!;
        Assert.False(body.TryGetProperty("passwordHash", out _));

        var found = await Root.Http.GetFromJsonAsync<JsonElement>("/console/api/users?q=JOY");
        Assert.Contains(found.EnumerateArray(), u => u.GetProperty("id").GetString() == id);

        var updated = await Root.SendAsync(HttpMethod.Put, $"/console/api/users/{id}", new { username = "nurse.joy", displayName = "Joy B", organizationalUnit = "Clinical" });
        Assert.Equal("Joy B", (await Json(updated)).GetProperty("displayName").GetString());

        var disabled = await Root.SendAsync(HttpMethod.Post, $"/console/api/users/{id}/disable");
        Assert.False((await Json(disabled)).GetProperty("enabled").GetBoolean());

        await AssertReason(await Root.SendAsync(HttpMethod.Put, $"/console/api/users/{id}/password", new { password = "short" }), HttpStatusCode.BadRequest, DirectoryErrors.PasswordTooShort);
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Put, $"/console/api/users/{id}/password", new { password = "another long password" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/users/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Root.Http.GetAsync($"/console/api/users/{id}")).StatusCode);

        foreach (var kind in new[] { "admin.user.create", "admin.user.update", "admin.user.disable", "admin.user.password", "admin.user.delete" })
            Assert.Contains(Host.Audit.Events, e => e.Kind == kind && e.Actor == "root" && e.Result == AuditResults.Success);
        Assert.DoesNotContain(Host.Audit.Events, e => (e.Detail ?? "").Contains("another long password"));
    }

    [Fact]
    public async Task Users_BadInput_Returns400WithReason()
    {
        var malformed = new HttpRequestMessage(HttpMethod.Post, "/console/api/users") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        malformed.Headers.Add(AdminHttp.CsrfHeader, Root.Csrf);
        await AssertReason(await Root.Http.SendAsync(malformed), HttpStatusCode.BadRequest, "malformed_json");
        await AssertReason(await Root.SendAsync(HttpMethod.Post, "/console/api/users", new { username = "bad name" }), HttpStatusCode.BadRequest, DirectoryErrors.UsernameInvalid);
        await AssertReason(await Root.SendAsync(HttpMethod.Post, "/console/api/users", new { username = "x", adminRole = "2" }), HttpStatusCode.BadRequest, DirectoryErrors.FieldInvalid);
        Assert.Equal(HttpStatusCode.Conflict, (await Root.SendAsync(HttpMethod.Post, "/console/api/users", new { username = "ROOT" })).StatusCode);
    }

    [Fact]
    public async Task Groups_NestedMembership_ShowsInEffectiveGroupsAndRefusesCycles()
    {
        var user = await Host.CreateUserAsync("ward.clerk");
        var parent = (await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/groups", new { name = "Clinical" }))).GetProperty("id").GetString();
        var child = (await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/groups", new { name = "Nurses" }))).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Post, $"/console/api/groups/{child}/members", new { kind = "user", id = user.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Post, $"/console/api/groups/{parent}/members", new { kind = "group", id = child })).StatusCode);

        var groups = await Root.Http.GetFromJsonAsync<JsonElement>($"/console/api/users/{user.Id}/groups");
        Assert.Equal([child], groups.GetProperty("direct").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new[] { child, parent }.Order(), groups.GetProperty("effective").EnumerateArray().Select(e => e.GetString()).Order());

        await AssertReason(await Root.SendAsync(HttpMethod.Post, $"/console/api/groups/{child}/members", new { kind = "group", id = parent }), HttpStatusCode.BadRequest, DirectoryErrors.GroupCycle);
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/groups/{child}/members/user/{user.Id}")).StatusCode);
        Assert.Empty((await Root.Http.GetFromJsonAsync<JsonElement>($"/console/api/users/{user.Id}/groups")).GetProperty("effective").EnumerateArray());
    }

    [Fact]
    public async Task Ous_ListsDistinctContainerPaths()
    {
        await Host.CreateUserAsync("a1", ou: "Clinical/Nursing");
        await Host.CreateUserAsync("a2", ou: "Clinical/Nursing");
        await Host.CreateUserAsync("a3", ou: "Finance");
        var ous = await Root.Http.GetFromJsonAsync<string[]>("/console/api/ous") ?? [];
        Assert.Equal(["Clinical", "Clinical/Nursing", "Finance"], ous);
    }

    [Fact]
    public async Task Apps_HttpRedirectUri_IsRejectedBeforeRegistration()
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc", new { adminName = "Qlik", displayName = "Qlik", redirectUris = new[] { "http://qlik.example/login/callback" } });
        await AssertReason(response, HttpStatusCode.BadRequest, "redirect_uri_not_https");
        Host.Registry.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Apps_HttpLoopbackRedirectUri_AcceptedOnlyWhileTheServiceRunsOnPlainHttp()
    {
        var fields = new OidcAppFields("Local tool", "Local tool", ["http://127.0.0.1:8400/cb"], []);
        var root = (await Host.App.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync("root", default))!;
        var actor = new AdminPrincipal(root, "session", new AdminSession { UserId = root.Id, CreatedAt = DateTimeOffset.UtcNow, LastSeenAt = DateTimeOffset.UtcNow, CsrfToken = "x" },
            "127.0.0.1", "request");
        var behindHttps = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<AppAdministration>(Host.App.Services,
            Microsoft.Extensions.Options.Options.Create(new Imprivata.Functions.Infrastructure.ServiceOptions { PublicBaseUrl = "https://idp.example.org" }));

        var refused = await behindHttps.CreateOidcAsync(actor, fields, default);
        var local = await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc", new { adminName = "Local tool", displayName = "Local tool", redirectUris = fields.RedirectUris });

        Assert.Equal("redirect_uri_not_https", refused.Error);
        Assert.Equal(HttpStatusCode.Created, local.StatusCode);
    }

    [Fact]
    public async Task Apps_NullAmongTheRedirectUris_IsABadRequestWithAReason()
    {
        var nullRedirect = await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc", new { adminName = "EHR", displayName = "EHR", redirectUris = new string?[] { null } });
        await AssertReason(nullRedirect, HttpStatusCode.BadRequest, "redirect_uri_invalid");

        var created = await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc", new { adminName = "EHR", displayName = "EHR", redirectUris = new[] { "https://ehr.example/cb" } }));
        var clientId = created.GetProperty("clientId").GetString()!;
        var update = await Root.SendAsync(HttpMethod.Put, $"/console/api/apps/{clientId}",
            new { adminName = "EHR", displayName = "EHR", redirectUris = new[] { "https://ehr.example/cb" }, postLogoutRedirectUris = new string?[] { "https://ehr.example/bye", null } });
        await AssertReason(update, HttpStatusCode.BadRequest, "redirect_uri_invalid");
    }

    [Theory]
    [InlineData("https://rp.example/logout#frag")]
    [InlineData("http://rp.example/logout")]
    [InlineData("https://user@rp.example/logout")]
    [InlineData("/relative/logout")]
    public async Task Apps_BackchannelLogoutUri_FollowsTheRedirectUriRules(string uri)
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc",
            new { adminName = "EHR", displayName = "EHR", redirectUris = new[] { "https://ehr.example/cb" }, backchannelLogoutUri = uri });

        await AssertReason(response, HttpStatusCode.BadRequest, "backchannel_logout_uri_invalid");
    }

    [Fact]
    public async Task Apps_BackchannelLogoutUri_IsKeptWithTheProfileAndShown()
    {
        var created = await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc",
            new { adminName = "EHR", displayName = "EHR", redirectUris = new[] { "https://ehr.example/cb" }, backchannelLogoutUri = "https://ehr.example/backchannel" }));
        var clientId = created.GetProperty("clientId").GetString()!;

        var profile = await Host.App.Services.GetRequiredService<Imprivata.Core.Apps.IAppProfileStore>().FindAsync(clientId, default);
        var shown = await Json(await Root.SendAsync(HttpMethod.Get, $"/console/api/apps/{clientId}"));

        Assert.Equal(new Uri("https://ehr.example/backchannel"), profile!.BackchannelLogoutUri);
        Assert.Equal("https://ehr.example/backchannel", shown.GetProperty("backchannelLogoutUri").GetString());
    }

    [Fact]
    public async Task Apps_RegeneratedSecret_ShownOnce_AuditedWithoutIt()
    {
        var created = await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc",
            new { adminName = "Payroll", displayName = "Payroll", redirectUris = new[] { "https://payroll.example/cb" } }));
        var clientId = created.GetProperty("clientId").GetString()!;
        Host.Registry.Setup(r => r.RegenerateSecretAsync(clientId, It.IsAny<CancellationToken>())).ReturnsAsync("the-new-secret");

        var regenerated = await Root.SendAsync(HttpMethod.Post, $"/console/api/apps/{clientId}/secret");

        Assert.Equal(HttpStatusCode.OK, regenerated.StatusCode);
        Assert.Equal("the-new-secret", (await Json(regenerated)).GetProperty("clientSecret").GetString());
        var audited = Assert.Single(Host.Audit.Events, e => e.Kind == "admin.app.secret.regenerate");
        Assert.Equal(("root", clientId, AuditResults.Success), (audited.Actor, audited.ClientId, audited.Result));
        Assert.DoesNotContain("the-new-secret", System.Text.Json.JsonSerializer.Serialize(Host.Audit.Events));
    }

    [Fact]
    public async Task Apps_CreateShowsSecretOnceAndDeploymentDecidesPerUser()
    {
        var created = await Root.SendAsync(HttpMethod.Post, "/console/api/apps/oidc",
            new { adminName = "Qlik Sense (prod)", displayName = "Qlik", redirectUris = new[] { "https://tenant.qlik.example/login/callback" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var credentials = await Json(created);
        var clientId = credentials.GetProperty("clientId").GetString()!;
        Assert.Equal("the-client-secret", credentials.GetProperty("clientSecret").GetString());
        Assert.Equal("http://127.0.0.1:7071/.well-known/openid-configuration", credentials.GetProperty("metadataUrl").GetString());
        // PKCE stays required when the request does not say otherwise.
        Host.Registry.Verify(r => r.CreateAsync(clientId, "Qlik", It.Is<IReadOnlyList<Uri>>(u => u.Single() == new Uri("https://tenant.qlik.example/login/callback")),
            It.IsAny<IReadOnlyList<Uri>>(), true, It.IsAny<CancellationToken>()));
        Assert.DoesNotContain("the-client-secret", await Root.Http.GetStringAsync($"/console/api/apps/{clientId}"));

        var pilot = await Host.CreateUserAsync("pilot", ou: "IT");
        var other = await Host.CreateUserAsync("other", ou: "Finance");
        Assert.False((await Root.Http.GetFromJsonAsync<JsonElement>($"/console/api/apps/{clientId}/deployment/users/{pilot.Id}")).GetProperty("deployed").GetBoolean());

        var deploy = await Root.SendAsync(HttpMethod.Put, $"/console/api/apps/{clientId}/deployment", new { deployed = true, domains = new[] { "local" }, organizationalUnits = new[] { "IT" } });
        Assert.Equal(HttpStatusCode.OK, deploy.StatusCode);
        Assert.True((await Root.Http.GetFromJsonAsync<JsonElement>($"/console/api/apps/{clientId}/deployment/users/{pilot.Id}")).GetProperty("deployed").GetBoolean());
        Assert.False((await Root.Http.GetFromJsonAsync<JsonElement>($"/console/api/apps/{clientId}/deployment/users/{other.Id}")).GetProperty("deployed").GetBoolean());
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.app.deploy" && e.Actor == "root" && e.ClientId == clientId);

        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/apps/{clientId}")).StatusCode);
        Host.Registry.Verify(r => r.DeleteAsync(clientId, It.IsAny<CancellationToken>()));
    }

    [Theory]
    [InlineData("#12345", "color_invalid")]
    [InlineData("123456", "color_invalid")]
    [InlineData("#12345G", "color_invalid")]
    public async Task WebLogin_BadColour_Returns400(string colour, string reason) =>
        await AssertReason(await Root.SendAsync(HttpMethod.Put, "/console/api/settings/web-login", new { backgroundColor = colour, sessionTimeoutMinutes = 120 }), HttpStatusCode.BadRequest, reason);

    [Theory]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(5760, true)]
    [InlineData(5761, false)]
    [InlineData(null, true)]
    public async Task WebLogin_TimeoutBounds(int? minutes, bool accepted)
    {
        var response = await Root.SendAsync(HttpMethod.Put, "/console/api/settings/web-login", new { backgroundColor = "#AbCdEf", sessionTimeoutMinutes = minutes });
        if (!accepted)
        {
            await AssertReason(response, HttpStatusCode.BadRequest, "timeout_out_of_range");
            return;
        }
        var body = await Json(response);
        Assert.Equal("#abcdef", body.GetProperty("backgroundColor").GetString());
        Assert.Equal(minutes, body.GetProperty("sessionTimeoutMinutes").ValueKind == JsonValueKind.Null ? null : body.GetProperty("sessionTimeoutMinutes").GetInt32());
    }

    [Fact]
    public async Task WebLogin_BodyWithoutTheTimeout_IsRefused_AutomaticLogoutStays()
    {
        await Root.SendAsync(HttpMethod.Put, "/console/api/settings/web-login", new { backgroundColor = "#000000", sessionTimeoutMinutes = 120 });

        var response = await Root.SendAsync(HttpMethod.Put, "/console/api/settings/web-login", new { backgroundColor = "#112233" });

        await AssertReason(response, HttpStatusCode.BadRequest, "session_timeout_required");
        var saved = await Json(await Root.Http.GetAsync("/console/api/settings/web-login"));
        Assert.Equal(120, saved.GetProperty("sessionTimeoutMinutes").GetInt32());
    }

    private Task<HttpResponseMessage> PutLogo(byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/console/api/settings/web-login/logo") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("image/png");
        request.Headers.Add(AdminHttp.CsrfHeader, Root.Csrf);
        return Root.Http.SendAsync(request);
    }

    [Fact]
    public async Task WebLogin_Logo_ValidatedByBytesSizeAndPixels()
    {
        await AssertReason(await PutLogo(ImageSamples.Png(200, 150, padTo: WebLoginRules.MaxLogoBytes + 1)), HttpStatusCode.BadRequest, "logo_too_large");
        await AssertReason(await PutLogo("<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray()), HttpStatusCode.BadRequest, "logo_type_invalid");
        await AssertReason(await PutLogo(ImageSamples.Png(201, 150)), HttpStatusCode.BadRequest, "logo_dimensions_too_large");
        await AssertReason(await PutLogo(ImageSamples.Gif(200, 151)), HttpStatusCode.BadRequest, "logo_dimensions_too_large");

        var ok = await PutLogo(ImageSamples.Gif(200, 150, padTo: 200_000));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/gif", (await Json(ok)).GetProperty("logoContentType").GetString());
    }
}
