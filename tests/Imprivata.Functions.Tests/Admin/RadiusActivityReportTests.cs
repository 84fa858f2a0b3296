using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Audit;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Reports > RADIUS activity: only radius.* events, filters by user, client and result, edge and NAS read back, CSV audited.</summary>
public sealed class RadiusActivityReportTests : SignedInSuperadmin
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var now = DateTimeOffset.UtcNow;
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddMinutes(-5), Kind = AuditKinds.RadiusAccept, Result = AuditResults.Success, Reason = "push_approved", Username = "nemo",
            ClientId = "vpn-east", Ip = "10.0.0.5", Methods = "password push", RequestId = "r1", Detail = "edge=site-a nas=Cisco ASA east", Seal = AuditSeal.Valid,
        }, default);
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddMinutes(-4), Kind = AuditKinds.RadiusReject, Result = AuditResults.Failure, Reason = AuditReasons.BadCredentials,
            Username = "dory", ClientId = "vpn-west", Ip = "10.0.1.7", RequestId = "r2", Detail = "edge=site-b nas=west",
        }, default);
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddMinutes(-3), Kind = "login.password", Result = AuditResults.Success, Reason = AuditReasons.Ok, Username = "nemo",
        }, default);
    }

    private async Task<List<JsonElement>> RowsAsync(string query)
    {
        var response = await Root.Http.GetAsync("/console/api/reports/radius-activity" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
    }

    [Fact]
    public async Task Api_OnlyRadiusEvents_WithEdgeAndNasName_FilteredByUserClientResult()
    {
        var all = await RowsAsync("");
        Assert.Equal(["dory", "nemo"], all.Select(r => r.GetProperty("username").GetString()));
        var nemo = all[1];
        Assert.Equal(("accept", "site-a", "Cisco ASA east", "10.0.0.5", "password push"),
            (nemo.GetProperty("result").GetString(), nemo.GetProperty("edge").GetString(), nemo.GetProperty("nasName").GetString(),
             nemo.GetProperty("nasAddress").GetString(), nemo.GetProperty("factors").GetString()));

        Assert.Equal(["nemo"], (await RowsAsync("?username=NEM")).Select(r => r.GetProperty("username").GetString()));
        Assert.Equal(["dory"], (await RowsAsync("?client=VPN-WEST")).Select(r => r.GetProperty("username").GetString()));
        Assert.Equal(["dory"], (await RowsAsync("?result=reject")).Select(r => r.GetProperty("username").GetString()));
    }

    [Theory]
    [InlineData("?result=maybe", "result_invalid")]
    [InlineData("?from=2026-01-01&to=2026-03-01", "window_invalid")]
    [InlineData("?from=yesterday", "time_invalid")]
    public async Task Api_BadFilter_400WithReason(string query, string reason)
    {
        var response = await Root.Http.GetAsync("/console/api/reports/radius-activity" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PageAndCsv_ShowTheAnswers_ExportAudited()
    {
        var page = await Root.Http.GetStringAsync("/console/reports/radius-activity?client=vpn-east");
        var csv = Encoding.UTF8.GetString(await Root.Http.GetByteArrayAsync("/console/reports/radius-activity.csv")).TrimStart('\uFEFF');

        Assert.Contains("push_approved", page);
        Assert.DoesNotContain("dory", page);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",nemo,vpn-east,Cisco ASA east,10.0.0.5,site-a,accept,push_approved,password push,r1,intact", lines[2]);
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminReportExport && e.Detail == "report=radius-activity;rows=2");
    }

    [Fact]
    public async Task SuperadminsOnly_HelpdeskRefused()
    {
        await Host.CreateUserAsync("desk", Core.UserDirectory.AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync("/console/api/reports/radius-activity")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync("/console/reports/radius-activity.csv")).StatusCode);
        Assert.DoesNotContain("/console/reports/radius-activity", await desk.Http.GetStringAsync("/console/reports"));
    }
}
