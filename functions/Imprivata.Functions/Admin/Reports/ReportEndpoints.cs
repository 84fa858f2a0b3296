using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Admin.Console;
using Imprivata.Functions.Admin.Policies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Admin.Reports;

/// <summary>
/// Reports as JSON (/console/api/reports/...), as console pages (/console/reports/...) and as CSV (same paths + ".csv").
/// Helpdesk and up: the helpdesk already reads users and their e-mail addresses, and chases users who have not enrolled.
/// Filters are query parameters: factor (a factor name), policy (a user policy id), username (contains).
/// </summary>
public static class ReportEndpoints
{
    public const string EnrolledUsers = "enrolled-users";
    public const string UnenrolledRemoteAccess = "unenrolled-remote-access";
    public const string AuditLog = "audit-log";
    public const string RadiusActivity = "radius-activity";

    public static readonly string[] EnrolledHeader = ["Username", "Display name", "E-mail address", "User policy", "Factors", "Enrolled at (UTC)", "Last used (UTC)"];
    public static readonly string[] UnenrolledHeader = ["Username", "Display name", "E-mail address", "Phone", "Domain", "OU", "User policy", "Enrollment rule"];
    public static readonly string[] RadiusActivityHeader = ["Time (UTC)", "Username", "RADIUS client", "NAS name", "NAS address", "Edge", "Result", "Reason", "Factors", "Request id", "Record"];
    public static readonly string[] AuditLogHeader = ["Time (UTC)", "Event", "Result", "Reason", "Username", "Administrator", "Application", "Client ID", "IP address", "Methods", "Detail", "Request id", "Record"];

    /// <param name="desk">Helpdesk and up: the enrollment reports.</param>
    /// <param name="superadmin">The audit log (<see cref="AuditLogReport"/>) and RADIUS activity (<see cref="RadiusActivityReport"/>).</param>
    public static void MapReportApi(this RouteGroupBuilder desk, RouteGroupBuilder superadmin)
    {
        desk.MapGet($"/reports/{EnrolledUsers}", async (HttpContext http, EnrollmentReports reports) =>
            EnrolledFilter(http, out var filter) is { } invalid
                ? AdminHttp.BadRequest(invalid)
                : Results.Json(await reports.EnrolledUsersAsync(filter, http.RequestAborted), AdminHttp.Json));

        desk.MapGet($"/reports/{UnenrolledRemoteAccess}", async (HttpContext http, EnrollmentReports reports) =>
            Results.Json(await reports.UnenrolledRemoteAccessAsync(UnenrolledFilter(http), http.RequestAborted), AdminHttp.Json));

        superadmin.MapGet($"/reports/{AuditLog}", async (HttpContext http, AuditLogReport report) =>
            report.Parse(http.Request.Query, out var filter) is { } invalid
                ? AdminHttp.BadRequest(invalid)
                : Results.Json(await report.RunAsync(filter, http.RequestAborted), AdminHttp.Json));

        superadmin.MapGet($"/reports/{RadiusActivity}", async (HttpContext http, RadiusActivityReport report) =>
            report.Parse(http.Request.Query, out var filter) is { } invalid
                ? AdminHttp.BadRequest(invalid)
                : Results.Json(await report.RunAsync(filter, http.RequestAborted), AdminHttp.Json));

        MapCsv(desk);
        MapAuditLogCsv(superadmin);
        MapRadiusActivityCsv(superadmin);
    }

    public static void MapReportPages(this RouteGroupBuilder desk, RouteGroupBuilder superadmin)
    {
        desk.MapGet("/reports", (HttpContext http) => new RazorComponentResult<ReportsPage>(new { Admin = AdminPrincipal.Required(http) }));

        desk.MapGet($"/reports/{EnrolledUsers}", async (HttpContext http, EnrollmentReports reports, PolicyAdministration policies) =>
        {
            var error = EnrolledFilter(http, out var filter);
            return new RazorComponentResult<EnrolledUsersReportPage>(new
            {
                Admin = AdminPrincipal.Required(http), Filter = filter, Error = error is null ? null : AdminMessages.Describe(error),
                Policies = await policies.ListUserPoliciesAsync(http.RequestAborted),
                Rows = error is null ? await reports.EnrolledUsersAsync(filter, http.RequestAborted) : [],
                CsvLink = $"/console/reports/{EnrolledUsers}.csv{http.Request.QueryString}",
            });
        });

        desk.MapGet($"/reports/{UnenrolledRemoteAccess}", async (HttpContext http, EnrollmentReports reports, PolicyAdministration policies) =>
        {
            var filter = UnenrolledFilter(http);
            return new RazorComponentResult<UnenrolledUsersReportPage>(new
            {
                Admin = AdminPrincipal.Required(http), Filter = filter,
                Policies = await policies.ListUserPoliciesAsync(http.RequestAborted),
                Rows = await reports.UnenrolledRemoteAccessAsync(filter, http.RequestAborted),
                CsvLink = $"/console/reports/{UnenrolledRemoteAccess}.csv{http.Request.QueryString}",
            });
        });

        superadmin.MapGet($"/reports/{AuditLog}", async (HttpContext http, AuditLogReport report) =>
        {
            var error = report.Parse(http.Request.Query, out var filter);
            return new RazorComponentResult<AuditLogReportPage>(new
            {
                Admin = AdminPrincipal.Required(http), Filter = filter, Error = error,
                Rows = error is null ? await report.RunAsync(filter, http.RequestAborted) : [],
                AppNames = await report.AppNamesAsync(http.RequestAborted),
                CsvLink = $"/console/reports/{AuditLog}.csv{http.Request.QueryString}",
            });
        });

        superadmin.MapGet($"/reports/{RadiusActivity}", async (HttpContext http, RadiusActivityReport report) =>
        {
            var error = report.Parse(http.Request.Query, out var filter);
            return new RazorComponentResult<RadiusActivityReportPage>(new
            {
                Admin = AdminPrincipal.Required(http), Filter = filter, Error = error,
                Rows = error is null ? await report.RunAsync(filter, http.RequestAborted) : [],
                CsvLink = $"/console/reports/{RadiusActivity}.csv{http.Request.QueryString}",
            });
        });

        MapCsv(desk);
        MapAuditLogCsv(superadmin);
        MapRadiusActivityCsv(superadmin);
    }

    /// <summary>The CSV exports; each export is audited (it carries personal data out of the console).</summary>
    private static void MapCsv(RouteGroupBuilder desk)
    {
        desk.MapGet($"/reports/{EnrolledUsers}.csv", async (HttpContext http, EnrollmentReports reports, AdminAudit audit) =>
        {
            if (EnrolledFilter(http, out var filter) is { } invalid)
                return AdminHttp.BadRequest(invalid);
            var rows = await reports.EnrolledUsersAsync(filter, http.RequestAborted);
            var csv = await ReportCsv.WriteAsync(EnrolledHeader, rows.Select(r => (IReadOnlyList<string?>)
                [r.Username, r.DisplayName, r.Email, r.UserPolicy, string.Join("; ", r.Factors), ReportCsv.Time(r.EnrolledAt), ReportCsv.Time(r.LastUsedAt)]), http.RequestAborted);
            await audit.SucceededAsync(AdminPrincipal.Required(http), AuditKinds.AdminReportExport, http.RequestAborted, detail: $"report={EnrolledUsers};rows={rows.Count}");
            return ReportCsv.File(csv, EnrolledUsers + ".csv");
        });

        desk.MapGet($"/reports/{UnenrolledRemoteAccess}.csv", async (HttpContext http, EnrollmentReports reports, AdminAudit audit) =>
        {
            var rows = await reports.UnenrolledRemoteAccessAsync(UnenrolledFilter(http), http.RequestAborted);
            var csv = await ReportCsv.WriteAsync(UnenrolledHeader, rows.Select(r => (IReadOnlyList<string?>)
                [r.Username, r.DisplayName, r.Email, r.Phone, r.Domain, r.OrganizationalUnit, r.UserPolicy, r.EnrollmentRule]), http.RequestAborted);
            await audit.SucceededAsync(AdminPrincipal.Required(http), AuditKinds.AdminReportExport, http.RequestAborted, detail: $"report={UnenrolledRemoteAccess};rows={rows.Count}");
            return ReportCsv.File(csv, UnenrolledRemoteAccess + ".csv");
        });
    }

    private static void MapAuditLogCsv(RouteGroupBuilder superadmin) =>
        superadmin.MapGet($"/reports/{AuditLog}.csv", async (HttpContext http, AuditLogReport report, AdminAudit audit) =>
        {
            if (report.Parse(http.Request.Query, out var filter) is { } invalid)
                return AdminHttp.BadRequest(invalid);
            var rows = await report.RunAsync(filter, http.RequestAborted);
            var apps = await report.AppNamesAsync(http.RequestAborted);
            var csv = await ReportCsv.WriteAsync(AuditLogHeader, rows.Select(e => (IReadOnlyList<string?>)
                [ReportCsv.Time(e.Time), e.Kind, e.Result, e.Reason, AuditText.Visible(e.Username), AuditText.Visible(e.Actor),
                 e.ClientId is { } id && apps.TryGetValue(id, out var app) ? app : null, AuditText.Visible(e.ClientId),
                 e.Ip, e.Methods, AuditText.Visible(e.Detail), e.RequestId, AuditLogReport.SealText(e.Seal)]), http.RequestAborted);
            await audit.SucceededAsync(AdminPrincipal.Required(http), AuditKinds.AdminReportExport, http.RequestAborted, detail: $"report={AuditLog};rows={rows.Count}");
            return ReportCsv.File(csv, AuditLog + ".csv");
        });

    private static void MapRadiusActivityCsv(RouteGroupBuilder superadmin) =>
        superadmin.MapGet($"/reports/{RadiusActivity}.csv", async (HttpContext http, RadiusActivityReport report, AdminAudit audit) =>
        {
            if (report.Parse(http.Request.Query, out var filter) is { } invalid)
                return AdminHttp.BadRequest(invalid);
            var rows = await report.RunAsync(filter, http.RequestAborted);
            var csv = await ReportCsv.WriteAsync(RadiusActivityHeader, rows.Select(r => (IReadOnlyList<string?>)
                [ReportCsv.Time(r.Time), AuditText.Visible(r.Username), AuditText.Visible(r.Client), AuditText.Visible(r.NasName), r.NasAddress, r.Edge,
                 r.Result, r.Reason, r.Factors, r.RequestId, AuditLogReport.SealText(r.Seal)]), http.RequestAborted);
            await audit.SucceededAsync(AdminPrincipal.Required(http), AuditKinds.AdminReportExport, http.RequestAborted, detail: $"report={RadiusActivity};rows={rows.Count}");
            return ReportCsv.File(csv, RadiusActivity + ".csv");
        });

    private static string? EnrolledFilter(HttpContext http, out EnrolledUsersFilter filter)
    {
        var q = http.Request.Query;
        Factor? factor = null;
        string? error = null;
        if (q["factor"].ToString() is { Length: > 0 } name)
        {
            if (FactorNames.TryParse(name, out var f) && f.IsEnrollable())
                factor = f;
            else
                error = "factor_invalid";
        }
        filter = new EnrolledUsersFilter(factor, Blank(q["policy"]), Blank(q["username"]));
        return error;
    }

    private static UnenrolledUsersFilter UnenrolledFilter(HttpContext http) =>
        new(Blank(http.Request.Query["policy"]), Blank(http.Request.Query["username"]));

    private static string? Blank(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } s ? s : null;

    /// <summary>For the pages' filter drop-downs.</summary>
    public static IEnumerable<Factor> EnrollableFactors => Enum.GetValues<Factor>().Where(f => f.IsEnrollable());

    internal static string PolicyName(IReadOnlyList<UserPolicy> policies, string? id) => policies.FirstOrDefault(p => p.Id == id)?.Name ?? "";
}
