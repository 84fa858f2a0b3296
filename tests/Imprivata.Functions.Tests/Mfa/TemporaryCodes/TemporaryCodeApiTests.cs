using Imprivata.Core.Policies;
using System.Net;
using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.TemporaryCodes;

/// <summary>The admin API and console page for temporary codes, over HTTP against the whole service.</summary>
public sealed class TemporaryCodeApiTests : IAsyncLifetime
{
    private AdminHost _host = default!;
    private AdminClient _helpdesk = default!;
    private DirectoryUser _helpdeskUser = default!;
    private DirectoryUser _alice = default!;

    public async Task InitializeAsync()
    {
        _host = await AdminHost.StartAsync();
        _helpdeskUser = await _host.CreateUserAsync("desk", AdminRole.Helpdesk);
        _alice = await _host.CreateUserAsync("alice");
        _helpdesk = await _host.SignInAsync("desk");
    }

    public async Task DisposeAsync()
    {
        _helpdesk.Dispose();
        await _host.DisposeAsync();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task AnAdministratorsCode_WorksOnlyIfASuperadminIssuedIt_CheckedAtEveryUse()
    {
        var codes = _host.App.Services.GetRequiredService<Core.Mfa.TemporaryCodes.TemporaryCodes>();
        var issued = await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{_alice.Id}/temporary-code", new { validity = "1d" });
        var code = (await Json(issued)).GetProperty("code").GetString()!;
        // Alice becomes an administrator by a path that does not revoke her code (a race with the issue, or an older version).
        var directory = _host.App.Services.GetRequiredService<IDirectoryStore>();
        await directory.UpdateUserAsync((await directory.FindUserByIdAsync(_alice.Id, default))! with { AdminRole = AdminRole.Helpdesk }, default);

        var refused = await codes.VerifyAsync(_alice.Id, code, WorkflowKind.RemoteAccess, default);

        Assert.Equal(TemporaryCodeErrors.IssuerMayNotStandIn, refused.Error);
        Assert.Equal(TemporaryCodeState.IssuerMayNotStandIn, (await codes.FindAsync(_alice.Id, default))!.Value.State);
        var bySuperadmin = await codes.IssueAsync("root-id", "root", _alice.Id, TimeSpan.FromDays(1), default);
        Assert.Equal(TemporaryCodeState.IssuerMayNotStandIn, (await codes.FindAsync(_alice.Id, default))!.Value.State); // "root" is nobody yet
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        Assert.True((await codes.VerifyAsync(_alice.Id, bySuperadmin.IssuedCode!, WorkflowKind.RemoteAccess, default)).Succeeded);
    }

    [Fact]
    public async Task PromotingTheHolderToAnAdministratorRole_RevokesTheirCode()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var root = await _host.SignInAsync("root");
        Assert.Equal(HttpStatusCode.Created, (await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{_alice.Id}/temporary-code", new { validity = "1d" })).StatusCode);

        var promoted = await root.SendAsync(HttpMethod.Put, $"/console/api/users/{_alice.Id}", new { username = "alice", displayName = "Alice", adminRole = "Helpdesk" });

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var code = await _host.App.Services.GetRequiredService<Core.Mfa.TemporaryCodes.TemporaryCodes>().FindAsync(_alice.Id, default);
        Assert.Equal(TemporaryCodeState.Revoked, code!.Value.State);
        Assert.Contains(_host.Audit.Events, e => e.Kind == "admin.temporary_code.revoke" && e.Actor == "root" && e.Detail == "the user became an administrator");
    }

    [Fact]
    public async Task Helpdesk_CannotIssueOrRevokeForAnAdministrator_SuperadminMay()
    {
        var boss = await _host.CreateUserAsync("boss", AdminRole.Superadmin);
        var peer = await _host.CreateUserAsync("peer", AdminRole.Helpdesk);

        foreach (var target in new[] { boss, peer })
        {
            var issued = await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{target.Id}/temporary-code", new { validity = "1h" });
            Assert.Equal(HttpStatusCode.Forbidden, issued.StatusCode);
            Assert.Contains(Imprivata.Functions.Admin.AdminPrincipal.AdministratorAccount, await issued.Content.ReadAsStringAsync());
            Assert.Contains(_host.Audit.Events, e => e.Kind == "admin.temporary_code.issue" && e.Actor == "desk" && e.UserId == target.Id && e.Result == "failure");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _helpdesk.Http.GetAsync($"/console/api/users/{peer.Id}/temporary-code")).StatusCode);

        using var boss2 = await _host.SignInAsync("boss");
        Assert.Equal(HttpStatusCode.Created, (await boss2.SendAsync(HttpMethod.Post, $"/console/api/users/{peer.Id}/temporary-code", new { validity = "1h" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _helpdesk.SendAsync(HttpMethod.Delete, $"/console/api/users/{peer.Id}/temporary-code")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _helpdesk.Http.GetAsync($"/console/api/users/{peer.Id}/temporary-code")).StatusCode);
    }

    [Fact]
    public async Task Helpdesk_IssuesCode_ShownOnceNeverListed_UsableThenRevoked()
    {
        var issued = await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{_alice.Id}/temporary-code", new { validity = "4h" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await Json(issued);
        var code = body.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9]{10}$", code);

        var status = await _helpdesk.Http.GetAsync($"/console/api/users/{_alice.Id}/temporary-code");
        var statusText = await status.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Contains("\"state\":\"active\"", statusText);
        Assert.DoesNotContain(code, statusText);
        var list = await _helpdesk.Http.GetStringAsync("/console/api/temporary-codes");
        Assert.Contains("\"username\":\"alice\"", list);
        Assert.DoesNotContain(code, list);
        var page = await _helpdesk.Http.GetStringAsync("/console/temporary-codes");
        Assert.Contains("alice", page);
        Assert.DoesNotContain(code, page);

        var codes = _host.App.Services.GetRequiredService<Core.Mfa.TemporaryCodes.TemporaryCodes>();
        Assert.True((await codes.VerifyAsync(_alice.Id, code, WorkflowKind.RemoteAccess, default)).Succeeded);

        Assert.Equal(HttpStatusCode.NoContent, (await _helpdesk.SendAsync(HttpMethod.Delete, $"/console/api/users/{_alice.Id}/temporary-code")).StatusCode);
        Assert.Equal(TemporaryCodeErrors.Revoked, (await codes.VerifyAsync(_alice.Id, code, WorkflowKind.RemoteAccess, default)).Error);

        Assert.Contains(_host.Audit.Events, e => e.Kind == "admin.temporary_code.issue" && e.Result == AuditResults.Success && e.Actor == "desk" && e.UserId == _alice.Id);
        Assert.Contains(_host.Audit.Events, e => e.Kind == "admin.temporary_code.revoke" && e.Result == AuditResults.Success && e.Actor == "desk");
        Assert.DoesNotContain(_host.Audit.Events, e => (e.Detail ?? "").Contains(code) || (e.Reason ?? "").Contains(code));
    }

    [Fact]
    public async Task Helpdesk_IssuingForThemselves_403AndAudited()
    {
        var response = await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{_helpdeskUser.Id}/temporary-code", new { validity = "1d" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("cannot_issue_for_self", (await Json(response)).GetProperty("reason").GetString());
        Assert.Contains(_host.Audit.Events, e => e.Kind == "admin.temporary_code.issue" && e.Result == AuditResults.Failure && e.Reason == "cannot_issue_for_self" && e.Actor == "desk");
        Assert.Equal(HttpStatusCode.NotFound, (await _helpdesk.Http.GetAsync($"/console/api/users/{_helpdeskUser.Id}/temporary-code")).StatusCode);
    }

    [Fact]
    public async Task Issue_UnknownValidityOrUser_Refused()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{_alice.Id}/temporary-code", new { validity = "90d" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _helpdesk.SendAsync(HttpMethod.Post, "/console/api/users/nobody/temporary-code", new { validity = "1d" })).StatusCode);
    }

    [Fact]
    public async Task Unauthenticated_OrWithoutCsrf_Refused()
    {
        using var anonymous = _host.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/console/api/temporary-codes")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Post, $"/console/api/users/{_alice.Id}/temporary-code", new { validity = "1d" })).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await anonymous.Http.GetAsync("/console/temporary-codes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _helpdesk.SendAsync(HttpMethod.Post, $"/console/api/users/{_alice.Id}/temporary-code", new { validity = "1d" }, withCsrf: false)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _helpdesk.Http.GetAsync($"/console/api/users/{_alice.Id}/temporary-code")).StatusCode);
    }

    [Fact]
    public async Task NonAdministrator_Refused()
    {
        await _host.CreateUserAsync("plain");
        using var plain = _host.NewClient();
        await plain.PostLoginAsync("plain", AdminHost.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.Http.GetAsync("/console/api/temporary-codes")).StatusCode);
    }

    [Fact]
    public async Task ConsolePage_IssueShowsCodeOnceInTheResponse()
    {
        var page = await _helpdesk.Http.GetStringAsync("/console/temporary-codes");
        var response = await _helpdesk.Http.PostAsync("/console/temporary-codes/issue", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = AdminClient.CsrfFrom(page), ["username"] = "alice", ["validity"] = "1d",
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var code = System.Text.RegularExpressions.Regex.Match(html, "value=\"([0-9]{10})\"").Groups[1].Value;
        Assert.NotEmpty(code);
        Assert.DoesNotContain(code, await _helpdesk.Http.GetStringAsync("/console/temporary-codes"));
    }
}
