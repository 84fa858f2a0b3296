using System.Net;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.DependencyInjection;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Mfa.Push;

/// <summary>Users > Fraud alerts: who reported a push as fraud, when and from where; the helpdesk clears it for non-administrators.</summary>
public sealed class FraudAlertPagesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset ReportedAt = new(2026, 12, 7, 20, 14, 3, TimeSpan.Zero);
    private AdminHost _host = default!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<DirectoryUser> BlockedAsync(string username, AdminRole role = AdminRole.None)
    {
        var user = await _host.CreateUserAsync(username, role);
        var saved = await _host.App.Services.GetRequiredService<IPushChallengeStore>().TrySaveUserStateAsync(new PushUserState
        {
            UserId = user.Id, Username = user.Username, FraudBlocked = true, FraudReportedAt = ReportedAt, FraudChallengeId = "c1",
            FraudAppName = "Payroll", FraudClientIp = "203.0.113.5",
        }, default);
        Assert.NotNull(saved);
        return user;
    }

    [Fact]
    public async Task Helpdesk_SeesTheAlert_ClearsIt_Audited_PushesFlowAgain()
    {
        await _host.CreateUserAsync("helen", AdminRole.Helpdesk);
        var victor = await BlockedAsync("victor");
        using var desk = await _host.SignInAsync("helen");

        var users = await desk.Http.GetStringAsync("/console/users");
        var page = await desk.Http.GetStringAsync("/console/fraud-alerts");
        var cleared = await desk.PostFormAsync($"/console/fraud-alerts/{victor.Id}/clear");
        var after = await desk.Http.GetStringAsync(cleared.Headers.Location!.OriginalString);

        Assert.Contains("href=\"/console/fraud-alerts\"", users);
        Assert.Contains($"id=\"fraud-{victor.Id}\"", page);
        Assert.Contains("7 Dec 2026, 20:14:03 UTC", page);
        Assert.Contains("Payroll", page);
        Assert.Contains("203.0.113.5", page);
        Assert.Equal(HttpStatusCode.SeeOther, cleared.StatusCode);
        Assert.Contains("Alert cleared", after);
        Assert.DoesNotContain($"id=\"fraud-{victor.Id}\"", after);
        Assert.False((await _host.App.Services.GetRequiredService<PushApproval>().UserStateAsync(victor.Id, default)).FraudBlocked);
        lock (_host.Audit.Events)
            Assert.Contains(_host.Audit.Events, e => e.Kind == AuditKinds.AdminPushFraudClear && e.Result == AuditResults.Success && e.Actor == "helen" && e.UserId == victor.Id);
    }

    [Fact]
    public async Task Helpdesk_AnAdministratorsAlert_NoClearButton_AndAPostIsRefusedSayingWhy()
    {
        await _host.CreateUserAsync("helen", AdminRole.Helpdesk);
        var boss = await BlockedAsync("boss", AdminRole.Superadmin);
        using var desk = await _host.SignInAsync("helen");

        var page = await desk.Http.GetStringAsync("/console/fraud-alerts");
        var refused = await desk.PostFormAsync($"/console/fraud-alerts/{boss.Id}/clear");
        var shown = await desk.Http.GetStringAsync(refused.Headers.Location!.OriginalString);

        Assert.DoesNotContain($"/console/fraud-alerts/{boss.Id}/clear", page);
        Assert.Contains(Html(AdminMessages.Describe(AdminPrincipal.AdministratorAccount)), page);
        Assert.Contains(Html(AdminMessages.Describe(AdminPrincipal.AdministratorAccount)), shown);
        Assert.True((await _host.App.Services.GetRequiredService<PushApproval>().UserStateAsync(boss.Id, default)).FraudBlocked);
    }

    [Fact]
    public async Task Superadmin_ClearsAnAdministratorsAlert()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        var desk = await BlockedAsync("desk", AdminRole.Helpdesk);
        using var root = await _host.SignInAsync("root");

        var cleared = await root.PostFormAsync($"/console/fraud-alerts/{desk.Id}/clear");

        Assert.Equal("/console/fraud-alerts?cleared=1", cleared.Headers.Location?.OriginalString);
        Assert.Contains("Fraud alerts", await root.Http.GetStringAsync("/console/reports"));
    }

    [Fact]
    public async Task NoAlerts_SaysSo()
    {
        await _host.CreateUserAsync("root", AdminRole.Superadmin);
        using var root = await _host.SignInAsync("root");

        Assert.Contains("No fraud alerts", await root.Http.GetStringAsync("/console/fraud-alerts"));
    }
}
