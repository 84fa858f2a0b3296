using System.Net;
using System.Text;
using System.Text.Json;
using System.Globalization;
using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Reports > Audit log: window and filters, seal state, control characters shown escaped, CSV export audited.</summary>
public sealed class AuditLogReportTests : SignedInSuperadmin
{
    private const string Forged = "alice\r\n2026-11-28 admin.login success root";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var now = DateTimeOffset.UtcNow;
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddMinutes(-5), Kind = "login.password", Result = AuditResults.Failure, Reason = AuditReasons.BadCredentials,
            Username = Forged, Ip = "203.0.113.9", Seal = AuditSeal.Valid,
        }, default);
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddMinutes(-4), Kind = "oidc.authorize", Result = AuditResults.Success, Reason = AuditReasons.Ok,
            Username = "bob", ClientId = "payroll", Seal = AuditSeal.Broken,
        }, default);
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddMinutes(-3), Kind = "login.mfa", Result = AuditResults.Success, Reason = AuditReasons.Ok, Username = "carol", Methods = "otp",
        }, default);
        await Host.Audit.AppendAsync(new AuditEvent
        {
            Time = now.AddDays(-3), Kind = "login.password", Result = AuditResults.Success, Reason = AuditReasons.Ok, Username = "alice-earlier",
        }, default);
    }

    private async Task<List<JsonElement>> RowsAsync(string query)
    {
        var response = await Root.Http.GetAsync("/console/api/reports/audit-log" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
    }

    [Fact]
    public async Task Api_LastDayByDefault_NewestFirst_FiltersByUserKindAndResult()
    {
        var all = await RowsAsync("");
        var usernames = all.Select(r => r.GetProperty("username").GetString()).ToList();
        Assert.Contains(Forged, usernames);
        Assert.DoesNotContain("alice-earlier", usernames);
        var times = all.Select(r => r.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        Assert.Equal([Forged], (await RowsAsync("?username=ALICE")).Select(r => r.GetProperty("username").GetString()));
        Assert.All(await RowsAsync("?kind=oidc"), r => Assert.StartsWith("oidc.", r.GetProperty("kind").GetString()));
        Assert.Equal(["login.mfa"], (await RowsAsync("?kind=mfa")).Select(r => r.GetProperty("kind").GetString()));
        Assert.All(await RowsAsync("?result=failure"), r => Assert.Equal("failure", r.GetProperty("result").GetString()));
        var earlier = await RowsAsync($"?from={DateTimeOffset.UtcNow.AddDays(-4):yyyy-MM-dd}&username=alice");
        Assert.Equal(2, earlier.Count);
    }

    [Theory]
    [InlineData("?from=2026-01-01&to=2026-03-01", "window_invalid")]
    [InlineData("?from=2026-03-01&to=2026-02-01", "window_invalid")]
    [InlineData("?from=2026-11-01&to=2026-11-09", "window_invalid")] // more than 7 days
    [InlineData("?from=yesterday", "time_invalid")]
    [InlineData("?from=03/12/2026", "time_invalid")] // a culture's date: month or day first? ISO 8601 only
    [InlineData("?to=0001-01-01", "time_invalid")]
    [InlineData("?to=9999-12-31T23:30", "time_invalid")]
    [InlineData("?result=maybe", "result_invalid")]
    public async Task Api_BadFilter_400WithReason(string query, string reason)
    {
        var response = await Root.Http.GetAsync("/console/api/reports/audit-log" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Page_ShowsControlCharactersEscaped_AndAChangedRecord()
    {
        var page = await Root.Http.GetStringAsync("/console/reports/audit-log");

        Assert.Contains(@"alice\r\n2026-11-28 admin.login success root", page);
        Assert.DoesNotContain("alice\r\n", page);
        Assert.Contains("CHANGED", page);
        Assert.Contains("intact", page);
    }

    [Fact]
    public async Task Page_NamesTheApplication_ReadableTimes_SameSealWordAsTheCsv()
    {
        await Host.App.Services.GetRequiredService<IAppProfileStore>().SaveAsync(new AppProfile
        {
            ClientId = "payroll", Protocol = AppProtocols.OpenIdConnect, AdminName = "Payroll (prod)", DisplayName = "Payroll",
        }, default);
        var bob = (await RowsAsync("?username=bob")).Single().GetProperty("time").GetDateTimeOffset();

        var page = await Root.Http.GetStringAsync("/console/reports/audit-log");
        var csv = Encoding.UTF8.GetString(await Root.Http.GetByteArrayAsync("/console/reports/audit-log.csv?username=bob"));

        Assert.Contains("title=\"Client ID payroll\">Payroll (prod)</td>", page);
        Assert.Contains(">" + bob.UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) + "</time>", page);
        Assert.Contains("class=\"audit-log\"", page);
        Assert.Contains(",Payroll (prod),payroll,", csv);
        Assert.Contains(",CHANGED", csv);
        Assert.Contains(">CHANGED</td>", page);
    }

    [Fact]
    public async Task Csv_OneLinePerEvent_EscapedAndAudited()
    {
        var response = await Root.Http.GetAsync("/console/reports/audit-log.csv?username=alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the header and one event: the username's CR/LF did not start a line
        Assert.Contains(@"alice\r\n2026-11-28 admin.login success root", lines[1]);
        Assert.EndsWith(",intact", lines[1]); // the page's word for a sealed, unchanged record
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.report.export" && e.Detail == "report=audit-log;rows=1");
    }

    [Fact]
    public async Task SuperadminsOnly_HelpdeskAndAnonymousRefused()
    {
        // Failed sign-ins keep what was typed as the username, sometimes a password: not for the helpdesk.
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");
        using var anonymous = Host.NewClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync("/console/api/reports/audit-log")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync("/console/reports/audit-log.csv")).StatusCode);
        Assert.DoesNotContain("/console/reports/audit-log", await desk.Http.GetStringAsync("/console/reports"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/console/api/reports/audit-log")).StatusCode);
    }
}
