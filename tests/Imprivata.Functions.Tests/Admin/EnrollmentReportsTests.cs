using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Reports > Enrolled users and Unenrolled users (remote access): content, filters, CSV export (header, e-mail, injection-safe).</summary>
public sealed class EnrollmentReportsTests : SignedInSuperadmin
{
    private IServiceProvider Services => Host.App.Services;

    private async Task<DirectoryUser> UserAsync(string username, bool remote = true, string ou = "", string? displayName = null, bool enabled = true)
    {
        var result = await Services.GetRequiredService<DirectoryService>().CreateUserAsync(new UserFields
        {
            Username = username, DisplayName = displayName ?? username + " Example", Email = username + "@hospital.example",
            LicensedForRemoteAccess = remote, OrganizationalUnit = ou, Enabled = enabled,
        }, AdminHost.Password, default);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    private Task EnrollAsync(DirectoryUser user, Factor factor, bool confirmed = true, byte[]? secret = null, DateTimeOffset? created = null) =>
        Services.GetRequiredService<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = DirectoryService.NewId(), UserId = user.Id, Factor = factor, Label = factor.Name(), Confirmed = confirmed, Secret = secret,
            CreatedAt = created ?? new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        }, default);

    private static List<JsonElement> Rows(string json) => [.. JsonDocument.Parse(json).RootElement.EnumerateArray()];

    private static IEnumerable<string?> Usernames(string json) => Rows(json).Select(r => r.GetProperty("username").GetString());

    [Fact]
    public async Task EnrolledUsers_ListsConfirmedEnrollmentsPerUser_WithFilters()
    {
        var alice = await UserAsync("alice", ou: "Clinical");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        await EnrollAsync(alice, Factor.Push, created: new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await EnrollAsync(alice, Factor.Sms, created: new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        await EnrollAsync(bob, Factor.OtpToken, confirmed: false);
        await EnrollAsync(carol, Factor.OtpToken);
        var policies = Services.GetRequiredService<IPolicyStore>();
        await policies.SaveUserPolicyAsync(new UserPolicy { Id = "clinical", Name = "Clinical staff", Order = 1, Members = new PolicyMembers { OrganizationalUnits = ["Clinical"] } }, default);

        // root, the superadmin reading the report, has the authenticator app it signed in to the console with.
        var all = await Root.Http.GetStringAsync("/console/api/reports/enrolled-users");
        Assert.Equal(["alice", "carol", "root"], Usernames(all));
        var aliceRow = Rows(all)[0];
        Assert.Equal(["Push approval", "SMS code"], aliceRow.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("Clinical staff", aliceRow.GetProperty("userPolicy").GetString());
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), aliceRow.GetProperty("enrolledAt").GetDateTimeOffset());
        Assert.Equal("alice@hospital.example", aliceRow.GetProperty("email").GetString());

        Assert.Equal(["alice"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/enrolled-users?factor=sms")));
        Assert.Equal(["carol", "root"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/enrolled-users?factor=otp")));
        Assert.Equal(["carol"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/enrolled-users?username=CAR")));
        Assert.Equal(["alice"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/enrolled-users?policy=clinical")));
        Assert.Equal(["carol", "root"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/enrolled-users?policy=default")));
        var bad = await Root.Http.GetAsync("/console/api/reports/enrolled-users?factor=password");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var page = await Root.Http.GetStringAsync("/console/reports/enrolled-users?factor=sms");
        Assert.Contains("alice@hospital.example", page);
        Assert.DoesNotContain("carol@hospital.example", page);
        Assert.Contains("/console/reports/enrolled-users.csv?factor=sms", page);
    }

    [Fact]
    public async Task EnrolledUsersCsv_HeaderEmailAndFormulaCellsEscaped()
    {
        var formula = await UserAsync("mallory", displayName: "=HYPERLINK(\"https://evil.example\",\"x\")");
        var plus = await UserAsync("plus", displayName: "+1 555 0100");
        var at = await UserAsync("at", displayName: "@SUM(A1:A2)");
        var minus = await UserAsync("minus", displayName: "-2+3");
        foreach (var user in new[] { formula, plus, at, minus })
            await EnrollAsync(user, Factor.Push);

        var response = await Root.Http.GetAsync("/console/api/reports/enrolled-users.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("enrolled-users.csv", response.Content.Headers.ContentDisposition?.ToString());
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Username,Display name,E-mail address,User policy,Factors,Enrolled at (UTC),Last used (UTC)", lines[0]);
        Assert.Equal(6, lines.Length); // the header, the four users and root's authenticator app (console sign-in)
        Assert.Contains(lines, l => l.StartsWith("at,\"'@SUM(A1:A2)\",at@hospital.example,Default user policy,Push approval,2026-01-02 03:04:05Z,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("mallory,\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\",mallory@hospital.example,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("plus,\"'+1 555 0100\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("minus,\"'-2+3\",", StringComparison.Ordinal));
        // No cell anywhere starts with a formula character.
        Assert.DoesNotContain(lines.SelectMany(l => l.Split(',')), cell => cell.Length > 0 && "=+-@".Contains(cell.TrimStart('"')[0]));
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.report.export" && e.Actor == "root" && e.Detail == "report=enrolled-users;rows=5");
    }

    [Fact]
    public async Task UnenrolledRemoteAccess_OnlyLicensedAssociatedUsersWithoutAnAllowedFactor()
    {
        var policies = Services.GetRequiredService<IPolicyStore>();
        await policies.SaveEnrollmentRuleAsync(new EnrollmentRule { Id = "remote-rule", Name = "Remote rule" }, default);
        await policies.SaveUserPolicyAsync(new UserPolicy { Id = "remote", Name = "Remote staff", Order = 1, Members = new PolicyMembers { OrganizationalUnits = ["Remote"] }, EnrollmentRuleId = "remote-rule" }, default);
        await policies.SaveWorkflowPolicyAsync(new WorkflowPolicy { RemoteAccess = new Workflow { SecondFactors = [Factor.Push, Factor.Sms, Factor.OtpToken, Factor.Email], UserPolicyIds = ["remote"] } }, default);

        var none = await UserAsync("none", ou: "Remote");
        var pending = await UserAsync("pending", ou: "Remote");
        await EnrollAsync(pending, Factor.Sms, confirmed: false);
        var emailOnly = await UserAsync("emailonly", ou: "Remote");
        await EnrollAsync(emailOnly, Factor.Email);
        var webauthnOnly = await UserAsync("keyonly", ou: "Remote");
        await EnrollAsync(webauthnOnly, Factor.WebAuthn);
        var enrolled = await UserAsync("enrolled", ou: "Remote");
        await EnrollAsync(enrolled, Factor.Push);
        await UserAsync("unlicensed", remote: false, ou: "Remote");
        await UserAsync("elsewhere", ou: "Office");
        await UserAsync("disabled", ou: "Remote", enabled: false);

        var json = await Root.Http.GetStringAsync("/console/api/reports/unenrolled-remote-access");
        // E-mail is listed in the workflow but does not count until the administrator accepts it; WebAuthn is not allowed here.
        Assert.Equal(["emailonly", "keyonly", "none", "pending"], Usernames(json));
        var row = Rows(json).Single(r => r.GetProperty("username").GetString() == "none");
        Assert.Equal("none@hospital.example", row.GetProperty("email").GetString());
        Assert.Equal("Remote staff", row.GetProperty("userPolicy").GetString());
        Assert.Equal("Remote rule", row.GetProperty("enrollmentRule").GetString());
        Assert.Equal(["pending"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/unenrolled-remote-access?username=pend")));
        Assert.Empty(Usernames(await Root.Http.GetStringAsync("/console/api/reports/unenrolled-remote-access?policy=default")));

        await policies.SaveWorkflowPolicyAsync((await policies.GetWorkflowPolicyAsync(default)) with { Options = new AuthenticationOptions { EmailCodesCountAsMfa = true } }, default);
        Assert.Equal(["keyonly", "none", "pending"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/unenrolled-remote-access")));

        var csv = Encoding.UTF8.GetString(await Root.Http.GetByteArrayAsync("/console/api/reports/unenrolled-remote-access.csv?username=none")).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Username,Display name,E-mail address,Phone,Domain,OU,User policy,Enrollment rule", lines[0]);
        Assert.Equal("none,none Example,none@hospital.example,,local,Remote,Remote staff,Remote rule", Assert.Single(lines[1..]));

        var page = await Root.Http.GetStringAsync("/console/reports/unenrolled-remote-access");
        Assert.Contains("pending@hospital.example", page);
        Assert.DoesNotContain("enrolled@hospital.example", page);
    }

    [Fact]
    public async Task ApproverWithTokenSeed_CountsAsOtpForTheWorkflow()
    {
        var policies = Services.GetRequiredService<IPolicyStore>();
        await policies.SaveWorkflowPolicyAsync(new WorkflowPolicy { RemoteAccess = new Workflow { SecondFactors = [Factor.OtpToken], UserPolicyIds = [UserPolicy.DefaultId] } }, default);
        var approver = await UserAsync("approver");
        await EnrollAsync(approver, Factor.Push, secret: EnrolledMethodsTests.Seed);
        var bare = await UserAsync("bare");
        await EnrollAsync(bare, Factor.Push);
        Assert.Equal(["bare"], Usernames(await Root.Http.GetStringAsync("/console/api/reports/unenrolled-remote-access")));
    }

    [Fact]
    public async Task Reports_HelpdeskMayRead_AnonymousRefused()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");
        Assert.Equal(HttpStatusCode.OK, (await desk.Http.GetAsync("/console/api/reports/enrolled-users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await desk.Http.GetAsync("/console/reports/unenrolled-remote-access.csv")).StatusCode);
        Assert.Contains("Unenrolled users (remote access)", await desk.Http.GetStringAsync("/console/reports"));
        using var anonymous = Host.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/console/api/reports/enrolled-users.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await anonymous.Http.GetAsync("/console/reports/enrolled-users")).StatusCode);
    }
}
