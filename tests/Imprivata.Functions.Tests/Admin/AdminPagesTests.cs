using System.Net;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

public sealed class AdminPagesTests : IAsyncLifetime
{
    private AdminHost _host = default!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task UsersPage_AsAdmin_ListsUsersWithShellAndHeaders()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        await _host.CreateUserAsync("nurse<b>joy</b>".Replace("<b>", "").Replace("</b>", ""));
        using var admin = await _host.SignInAsync("root");
        var response = await admin.Http.GetAsync("/console/users");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("nursejoy", html);
        Assert.Contains("Applications", html);
        Assert.Contains("Web app login configuration", html);
        // The Reports menu (enrollment reports) and Users > User policies / Workflow policy exist since the MFA admin pages.
        Assert.Contains("href=\"/console/reports\"", html);
        Assert.Contains("href=\"/console/workflow-policy\"", html);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task UsersPage_WithoutSession_RedirectsToLogin()
    {
        using var anonymous = _host.NewClient();
        var response = await anonymous.Http.GetAsync("/console/users");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/console/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task LoginPage_IsNotFramable() =>
        Assert.Contains("frame-ancestors 'none'", (await _host.NewClient().Http.GetAsync("/console/login")).Headers.GetValues("Content-Security-Policy").Single());

    [Fact]
    public async Task FormPost_WithoutCsrfField_IsForbidden()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var admin = await _host.SignInAsync("root");
        var response = await admin.Http.PostAsync("/console/groups", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Sneaky" }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task CreateGroupForm_WithCsrf_Redirects303ToGroup()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var admin = await _host.SignInAsync("root");
        var response = await admin.Http.PostAsync("/console/groups", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = admin.Csrf!, ["name"] = "Nurses" }));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var page = await admin.Http.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("Group Nurses", page);
    }

    [Fact]
    public async Task NewOidcAppForm_ShowsSecretOnceAndMetadataUrl()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var admin = await _host.SignInAsync("root");
        var response = await admin.Http.PostAsync("/console/apps/new/oidc", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = admin.Csrf!, ["adminName"] = "Qlik", ["displayName"] = "Qlik Sense", ["redirectUris"] = "https://tenant.qlik.example/login/callback\r\n",
        }));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("the-client-secret", html);
        Assert.Contains("http://127.0.0.1:7071/.well-known/openid-configuration", html);
        Assert.DoesNotContain("the-client-secret", await admin.Http.GetStringAsync("/console/apps"));
    }

    [Fact]
    public async Task AppForm_BackchannelLogoutUri_IsSavedAndShownOnTheEditPage()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var admin = await _host.SignInAsync("root");
        var response = await admin.Http.PostAsync("/console/apps/new/oidc", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = admin.Csrf!, ["adminName"] = "EHR", ["displayName"] = "EHR", ["redirectUris"] = "https://ehr.example/cb",
            ["backchannelLogoutUri"] = "https://ehr.example/backchannel-logout",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profiles = _host.App.Services.GetRequiredService<Imprivata.Core.Apps.IAppProfileStore>();
        var profile = Assert.Single(await profiles.ListAsync(default).ToListAsync());

        var edit = await admin.Http.GetStringAsync($"/console/apps/{profile.ClientId}");

        Assert.Equal(new Uri("https://ehr.example/backchannel-logout"), profile.BackchannelLogoutUri);
        Assert.Contains("name=\"backchannelLogoutUri\" type=\"url\" value=\"https://ehr.example/backchannel-logout\"", edit);
    }

    [Fact]
    public async Task Helpdesk_AppsPage_IsForbidden()
    {
        await _host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await _host.SignInAsync("desk");
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync("/console/apps")).StatusCode);
        var users = await desk.Http.GetStringAsync("/console/users");
        Assert.DoesNotContain("Applications", users);
    }

    [Fact]
    public async Task Stylesheet_IsServed()
    {
        var response = await _host.NewClient().Http.GetAsync("/assets/admin.css");
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".topbar", await response.Content.ReadAsStringAsync());
    }
}
