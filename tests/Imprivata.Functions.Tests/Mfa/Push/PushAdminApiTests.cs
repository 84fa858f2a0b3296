using System.Net;
using System.Net.Http.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Functions.Mfa.Push;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.Push;

public class PushAdminApiTests
{
    [Fact]
    public async Task FraudReports_HelpdeskListsAndClears_AuditedWithActor()
    {
        await using var host = await AdminHost.StartAsync();
        await host.CreateUserAsync("helen", AdminRole.Helpdesk);
        var victim = await host.CreateUserAsync("victor");
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var device = await host.App.Services.GetRequiredService<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = "phone-1", UserId = victim.Id, Factor = Factor.Push, Confirmed = true, CreatedAt = DateTimeOffset.UtcNow, PublicKey = key.ExportSubjectPublicKeyInfo(),
        }, CancellationToken.None);
        var push = host.App.Services.GetRequiredService<PushApproval>();
        var id = (await push.SendAsync(new PushRequest { UserId = victim.Id, Username = victim.Username, AppName = "Payroll", ClientIp = "203.0.113.5" }, CancellationToken.None)).Challenge!.Id;
        var signature = key.SignData(PushSignature.DecisionBytes(id, PushDecisionKind.ReportFraud, null), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        Assert.True((await push.DecideAsync(new PushDecision { ChallengeId = id, Kind = PushDecisionKind.ReportFraud, Signature = signature }, CancellationToken.None)).Recorded);
        using var helpdesk = await host.SignInAsync("helen");

        var list = await helpdesk.Http.GetFromJsonAsync<List<FraudReportView>>("/console/api/push/fraud-reports");
        var noCsrf = await helpdesk.SendAsync(HttpMethod.Post, $"/console/api/push/fraud-reports/{victim.Id}/clear", withCsrf: false);
        var cleared = await helpdesk.SendAsync(HttpMethod.Post, $"/console/api/push/fraud-reports/{victim.Id}/clear");
        var again = await helpdesk.SendAsync(HttpMethod.Post, $"/console/api/push/fraud-reports/{victim.Id}/clear");

        var report = Assert.Single(list!);
        Assert.Equal((victim.Id, "victor", "Payroll", "203.0.113.5"), (report.UserId, report.Username, report.App, report.Ip));
        Assert.Equal(HttpStatusCode.Forbidden, noCsrf.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty((await helpdesk.Http.GetFromJsonAsync<List<FraudReportView>>("/console/api/push/fraud-reports"))!);
        List<Core.Audit.AuditEvent> events;
        lock (host.Audit.Events)
            events = [.. host.Audit.Events];
        Assert.Contains(events, e => e.Kind == "push.fraud_reported" && e.UserId == victim.Id);
        var clear = Assert.Single(events, e => e.Kind == "admin.push.fraud_clear" && e.Result == "success");
        Assert.Equal(("helen", victim.Id), (clear.Actor, clear.UserId));
        // Clearing again finds nothing to clear: refused, and recorded as such.
        Assert.Single(events, e => e.Kind == "admin.push.fraud_clear" && e.Result == "failure" && e.Reason == FraudAlerts.NotBlocked);
        Assert.True((await push.SendAsync(new PushRequest { UserId = victim.Id, Username = victim.Username }, CancellationToken.None)).Succeeded);
        _ = device;
    }

    [Fact]
    public async Task FraudReports_HelpdeskCannotClearAnAdministrators()
    {
        await using var host = await AdminHost.StartAsync();
        await host.CreateUserAsync("helen", AdminRole.Helpdesk);
        var boss = await host.CreateUserAsync("boss", AdminRole.Superadmin);
        using var helpdesk = await host.SignInAsync("helen");

        var refused = await helpdesk.SendAsync(HttpMethod.Post, $"/console/api/push/fraud-reports/{boss.Id}/clear");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        lock (host.Audit.Events)
            Assert.Contains(host.Audit.Events, e => e.Kind == "admin.push.fraud_clear" && e.Actor == "helen" && e.UserId == boss.Id && e.Result == "failure");
    }

    [Fact]
    public async Task FraudReports_NonAdministrator_Refused()
    {
        await using var host = await AdminHost.StartAsync();
        using var anonymous = host.NewClient();

        var response = await anonymous.Http.GetAsync("/console/api/push/fraud-reports");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
