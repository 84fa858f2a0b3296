using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Eam;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Eam;

/// <summary>/console/api/eam-apps and /console/api/eam-links: the "Microsoft External Authentication" profile and Entra user links.</summary>
public sealed class EamAdminApiTests : SignedInSuperadmin
{
    private const string Tenant = "0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e";
    private const string AppId = "4d3c2b1a-0f9e-4d8c-b7a6-95847362514f";

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Create_GeneratesClientId_PublicCloudPreselected_ShowsTheValuesForEntra_Audited()
    {
        var created = await Root.SendAsync(HttpMethod.Post, "/console/api/eam-apps",
            new { adminName = "Entra MFA", displayName = "Contoso", tenantIds = new[] { Tenant.ToUpperInvariant() }, appId = AppId });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await Json(created);
        var clientId = view.GetProperty("clientId").GetString()!;
        Assert.True(Guid.TryParse(clientId, out _));
        Assert.Equal(["https://login.microsoftonline.com/common/federation/externalauthprovider"],
            view.GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([Tenant], view.GetProperty("tenantIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("http://127.0.0.1:7071/eam/.well-known/openid-configuration", view.GetProperty("discoveryUrl").GetString());
        Assert.Equal("http://127.0.0.1:7071/eam", view.GetProperty("issuer").GetString());
        Assert.Equal("Second factor only", view.GetProperty("workflow").GetString());
        var stored = await Host.App.Services.GetRequiredService<IEamProfileStore>().FindAsync(clientId, default);
        Assert.Equal(AppId, stored!.AppId);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.eam_app.create" && e.Result == "success" && e.Actor == "root" && e.ClientId == clientId);
        Assert.Single((await Json(await Root.SendAsync(HttpMethod.Get, "/console/api/eam-apps"))).EnumerateArray());
    }

    [Fact]
    public async Task Create_UsGovAndChinaClouds_TheirRedirectUris()
    {
        var view = await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/eam-apps",
            new { adminName = "Entra gov", displayName = "Gov", tenantIds = new[] { Tenant }, appId = AppId, clouds = new[] { "usgov", "china" } }));

        Assert.Equal(["https://login.microsoftonline.us/common/federation/externalauthprovider", "https://login.partner.microsoftonline.cn/common/federation/externalauthprovider"],
            view.GetProperty("redirectUris").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("", "Contoso", Tenant, AppId, "public", "invalid_admin_name")]
    [InlineData("Entra", "", Tenant, AppId, "public", "invalid_display_name")]
    [InlineData("Entra", "Contoso", "contoso.onmicrosoft.com", AppId, "public", "invalid_tenant_ids")]
    [InlineData("Entra", "Contoso", Tenant, "not-a-guid", "public", "invalid_app_id")]
    [InlineData("Entra", "Contoso", Tenant, AppId, "germany", "invalid_clouds")]
    public async Task Create_Invalid_RefusedWithReason_Audited(string adminName, string displayName, string tenant, string appId, string cloud, string reason)
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/eam-apps",
            new { adminName, displayName, tenantIds = new[] { tenant }, appId, clouds = new[] { cloud } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, (await Json(response)).GetProperty("reason").GetString());
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.eam_app.create" && e.Result == "failure" && e.Reason == reason);
    }

    [Fact]
    public async Task Link_EntraUserToDirectoryUser_Stored_Audited_UnknownUserRefused()
    {
        var user = await Host.CreateUserAsync("nurse");
        var objectId = Guid.NewGuid().ToString("D");

        var linked = await Root.SendAsync(HttpMethod.Post, "/console/api/eam-links", new { tenantId = Tenant, objectId, userId = user.Id });
        var unknown = await Root.SendAsync(HttpMethod.Post, "/console/api/eam-links", new { tenantId = Tenant, objectId, userId = "nobody" });

        Assert.Equal(HttpStatusCode.Created, linked.StatusCode);
        Assert.Equal(user.Id, await Host.App.Services.GetRequiredService<IEntraUserLinkStore>().FindUserIdAsync(Tenant, objectId, default));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.eam_link" && e.Result == "success" && e.UserId == user.Id);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.eam_link" && e.Result == "failure" && e.Reason == "unknown_user");
    }

    [Fact]
    public async Task Helpdesk_CannotReadOrCreateProfiles()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Get, "/console/api/eam-apps")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Post, "/console/api/eam-apps",
            new { adminName = "x", displayName = "x", tenantIds = new[] { Tenant }, appId = AppId })).StatusCode);
    }
}

/// <summary>The self-check endpoint fetches the discovery document at the public URL, as Entra will.</summary>
public sealed class EamSelfCheckApiTests : IAsyncLifetime
{
    private readonly LoopbackHttpPeer _published = new(async context =>
    {
        // What a misconfigured front end might serve at our public URL: no x5c on the key.
        var self = $"https://{context.Request.Url!.Authority}/eam";
        var body = context.Request.Url.AbsolutePath.EndsWith("/jwks", StringComparison.Ordinal)
            ? "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"
            : JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = $"http://{context.Request.Url.Authority}/eam",
                ["authorization_endpoint"] = self + "/authorize",
                ["jwks_uri"] = $"http://{context.Request.Url.Authority}/eam/jwks",
                ["scopes_supported"] = new[] { "openid" },
                ["response_types_supported"] = new[] { "id_token" },
                ["response_modes_supported"] = new[] { "form_post" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    });
    private AdminHost _host = default!;
    private AdminClient _root = default!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync(_published.BaseUri.ToString().TrimEnd('/'));
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        _root = await _host.SignInAsync("root");
    }

    public async Task DisposeAsync()
    {
        _root.Dispose();
        await _host.DisposeAsync();
        _published.Dispose();
    }

    [Fact]
    public async Task SelfCheck_ListsEveryRuleThePublishedDocumentBreaks()
    {
        var created = JsonDocument.Parse(await (await _root.SendAsync(HttpMethod.Post, "/console/api/eam-apps",
            new { adminName = "Entra", displayName = "Contoso", tenantIds = new[] { "0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e" }, appId = Guid.NewGuid() }))
            .Content.ReadAsStringAsync()).RootElement;

        var check = JsonDocument.Parse(await (await _root.SendAsync(HttpMethod.Get, $"/console/api/eam-apps/{created.GetProperty("clientId").GetString()}/self-check"))
            .Content.ReadAsStringAsync()).RootElement;

        Assert.False(check.GetProperty("ok").GetBoolean());
        var rules = check.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("rule").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { "https", "x5c" }, rules);
    }
}

/// <summary>The console pages: add the profile, see the values for Entra and the self-check of what is published.</summary>
public sealed class EamPagesTests : SignedInSuperadmin
{
    [Fact]
    public async Task AddProfile_RedirectsToItsPage_WithValuesToCopy_SelfCheckProblems_AndListedAmongApps()
    {
        var saved = await Root.PostFormAsync("/console/eam-apps/new", ("adminName", "Entra MFA"), ("displayName", "Contoso"),
            ("tenantIds", "0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e\r\n"), ("clouds", "public"), ("clouds", "usgov"), ("appId", "4d3c2b1a-0f9e-4d8c-b7a6-95847362514f"));

        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        var page = await Root.Http.GetStringAsync(saved.Headers.Location!.OriginalString);
        var profile = Assert.Single(await Host.App.Services.GetRequiredService<IEamProfileStore>().ListAsync(default).ToListAsync());
        Assert.Contains($"value=\"{profile.ClientId}\"", page);
        Assert.Contains("value=\"http://127.0.0.1:7071/eam/.well-known/openid-configuration\"", page);
        Assert.Contains("value=\"http://127.0.0.1:7071/eam/authorize\"", page);
        Assert.Equal([EntraCloud.Public.RedirectUri, EntraCloud.UsGovernment.RedirectUri], profile.RedirectUris);
        // This host's public URL is plain http (and nothing answers there): the self-check says what Entra would refuse.
        Assert.Contains("id=\"self-check-problems\"", page);
        Assert.Contains("data-rule=\"https\"", page);
        Assert.Contains($"/console/eam-apps/{profile.ClientId}", await Root.Http.GetStringAsync("/console/apps"));
    }

    [Fact]
    public async Task AddProfile_BadTenant_FormAgainWithReason_NothingSaved()
    {
        var refused = await Root.PostFormAsync("/console/eam-apps/new", ("adminName", "Entra MFA"), ("displayName", "Contoso"),
            ("tenantIds", "contoso.onmicrosoft.com"), ("clouds", "public"), ("appId", "4d3c2b1a-0f9e-4d8c-b7a6-95847362514f"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Entra tenant IDs", await refused.Content.ReadAsStringAsync());
        Assert.Empty(await Host.App.Services.GetRequiredService<IEamProfileStore>().ListAsync(default).ToListAsync());
    }

}
