using System.Net;
using System.Text.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Users > Workflow policy, User policies and enrollment rules through the admin API and console, on Azurite.</summary>
public sealed class PolicyApiTests : SignedInSuperadmin
{
    private IPolicyStore Store => Host.App.Services.GetRequiredService<IPolicyStore>();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertReason(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(reason, (await Json(response)).GetProperty("reason").GetString());
    }

    private async Task<string> CreatePolicyAsync(object body)
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/user-policies", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    private async Task<string> CreateRuleAsync(object body)
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/enrollment-rules", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task UserPolicy_CreateEditDelete_StoredAndAuditedWithActor()
    {
        var nurse = await Host.CreateUserAsync("nurse");
        var group = await Host.App.Services.GetRequiredService<GroupService>().CreateAsync("Clinicians", "", default);
        var id = await CreatePolicyAsync(new
        {
            name = "IT pilot", description = "first users", order = 5,
            members = new { userIds = new[] { nurse.Id }, groupIds = new[] { group.Value!.Id }, organizationalUnits = new[] { " Clinical / Nursing " }, domains = new[] { "Corp.Example" } },
        });

        var stored = (await Store.ListUserPoliciesAsync(default)).Single(p => p.Id == id);
        Assert.Equal("IT pilot", stored.Name);
        Assert.Equal(5, stored.Order);
        Assert.Equal([nurse.Id], stored.Members.UserIds);
        Assert.Equal([group.Value.Id], stored.Members.GroupIds);
        Assert.Equal(["Clinical/Nursing"], stored.Members.OrganizationalUnits);
        Assert.Equal(["corp.example"], stored.Members.Domains);
        Assert.Null(stored.EnrollmentRuleId);

        var rule = await CreateRuleAsync(new { name = "Pilot rule" });
        var edit = await Root.SendAsync(HttpMethod.Put, $"/console/api/user-policies/{id}", new { name = "IT pilot 2", order = 1, enrollmentRuleId = rule });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(rule, (await Json(edit)).GetProperty("enrollmentRuleId").GetString());
        stored = (await Store.ListUserPoliciesAsync(default)).Single(p => p.Id == id);
        Assert.Equal(("IT pilot 2", 1, rule), (stored.Name, stored.Order, stored.EnrollmentRuleId));
        Assert.True(stored.Members.IsEmpty);

        var list = await Json(await Root.Http.GetAsync("/console/api/user-policies"));
        Assert.Equal([id, UserPolicy.DefaultId], list.EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/user-policies/{id}")).StatusCode);
        Assert.DoesNotContain(await Store.ListUserPoliciesAsync(default), p => p.Id == id);
        Assert.Equal(HttpStatusCode.NotFound, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/user-policies/{id}")).StatusCode);

        foreach (var kind in new[] { "admin.policy.user.create", "admin.policy.user.update", "admin.policy.user.delete" })
            Assert.Contains(Host.Audit.Events, e => e.Kind == kind && e.Result == "success" && e.Actor == "root" && e.Detail!.Contains(id));
    }

    [Fact]
    public async Task UserPolicy_InvalidFields_400WithReasonAndNothingStored()
    {
        await CreatePolicyAsync(new { name = "Taken" });
        var cases = new (object Body, string Reason)[]
        {
            (new { name = "" }, "policy_name_invalid"),
            (new { name = new string('x', 129) }, "policy_name_invalid"),
            (new { name = "taken" }, "policy_name_taken"),
            (new { name = "A", order = -1 }, "order_invalid"),
            (new { name = "A", members = new { userIds = new[] { "no-such-user" } } }, "member_not_found"),
            (new { name = "A", members = new { groupIds = new[] { "no-such-group" } } }, "member_not_found"),
            (new { name = "A", members = new { domains = new[] { "bad domain!" } } }, "domain_invalid"),
            (new { name = "A", members = new { organizationalUnits = new[] { "//" } } }, "ou_invalid"),
            (new { name = "A", enrollmentRuleId = "no-such-rule" }, "rule_not_found"),
        };
        foreach (var (body, reason) in cases)
            await AssertReason(await Root.SendAsync(HttpMethod.Post, "/console/api/user-policies", body), HttpStatusCode.BadRequest, reason);

        var malformed = new HttpRequestMessage(HttpMethod.Post, "/console/api/user-policies") { Content = new StringContent("{name:", System.Text.Encoding.UTF8, "application/json") };
        malformed.Headers.Add(Functions.Admin.AdminHttp.CsrfHeader, Root.Csrf);
        await AssertReason(await Root.Http.SendAsync(malformed), HttpStatusCode.BadRequest, "malformed_json");

        Assert.Equal(2, (await Store.ListUserPoliciesAsync(default)).Count);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.policy.user.create" && e.Result == "failure" && e.Reason == "member_not_found" && e.Actor == "root");
    }

    [Fact]
    public async Task DefaultUserPolicy_CannotBeDeletedNorGivenMembers_ButCanBeRenamed()
    {
        await AssertReason(await Root.SendAsync(HttpMethod.Delete, "/console/api/user-policies/default"), HttpStatusCode.BadRequest, "default_policy_cannot_be_deleted");
        await AssertReason(await Root.SendAsync(HttpMethod.Put, "/console/api/user-policies/default", new { name = "Everyone", members = new { domains = new[] { "local" } } }),
            HttpStatusCode.BadRequest, "default_policy_has_no_members");
        Assert.Equal(HttpStatusCode.OK, (await Root.SendAsync(HttpMethod.Put, "/console/api/user-policies/default", new { name = "Everyone" })).StatusCode);
        var all = await Store.ListUserPoliciesAsync(default);
        Assert.Equal("Everyone", Assert.Single(all).Name);
        Assert.Equal(HttpStatusCode.NotFound, (await Root.SendAsync(HttpMethod.Put, "/console/api/user-policies/nope", new { name = "x" })).StatusCode);
    }

    [Fact]
    public async Task EnrollmentRule_CreateEditDelete_ValidatedAndRefusedWhileInUse()
    {
        var id = await CreateRuleAsync(new { name = "Must enroll", unenrolledAccess = "different-login-method", prompt = "at-login", mayDelay = false, enrollableFactors = new[] { "push", "sms" } });
        var rule = (await Store.ListEnrollmentRulesAsync(default)).Single(r => r.Id == id);
        Assert.Equal((UnenrolledAccess.DifferentLoginMethod, EnrollmentPrompt.AtLogin, false), (rule.UnenrolledAccess, rule.Prompt, rule.MayDelay));
        Assert.Equal([Factor.Push, Factor.Sms], rule.EnrollableFactors);

        var edited = await Root.SendAsync(HttpMethod.Put, $"/console/api/enrollment-rules/{id}", new { name = "Not prompted", prompt = "not-prompted", enrollableFactors = new[] { "otp" } });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var view = await Json(edited);
        Assert.Equal("not-prompted", view.GetProperty("prompt").GetString());
        Assert.Equal("password-only", view.GetProperty("unenrolledAccess").GetString());

        var cases = new (object Body, string Reason)[]
        {
            (new { name = "" }, "rule_name_invalid"),
            (new { name = "default enrollment rule" }, "rule_name_taken"),
            (new { name = "X", unenrolledAccess = "1" }, "unenrolled_access_invalid"),
            (new { name = "X", prompt = "sometimes" }, "prompt_invalid"),
            (new { name = "X", enrollableFactors = new[] { "carrier-pigeon" } }, "factor_invalid"),
            (new { name = "X", enrollableFactors = new[] { "password" } }, "factor_not_allowed"),
            (new { name = "X", enrollableFactors = new[] { "temporary-code" } }, "factor_not_allowed"),
        };
        foreach (var (body, reason) in cases)
            await AssertReason(await Root.SendAsync(HttpMethod.Post, "/console/api/enrollment-rules", body), HttpStatusCode.BadRequest, reason);

        var policy = await CreatePolicyAsync(new { name = "Uses it", enrollmentRuleId = id });
        await AssertReason(await Root.SendAsync(HttpMethod.Delete, $"/console/api/enrollment-rules/{id}"), HttpStatusCode.BadRequest, "rule_in_use");
        await AssertReason(await Root.SendAsync(HttpMethod.Delete, "/console/api/enrollment-rules/default"), HttpStatusCode.BadRequest, "default_rule_cannot_be_deleted");
        Assert.Equal(HttpStatusCode.OK, (await Root.SendAsync(HttpMethod.Put, $"/console/api/user-policies/{policy}", new { name = "Uses it" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/enrollment-rules/{id}")).StatusCode);
        Assert.DoesNotContain(await Store.ListEnrollmentRulesAsync(default), r => r.Id == id);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.policy.rule.delete" && e.Reason == "rule_in_use" && e.Actor == "root");
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.policy.rule.delete" && e.Result == "success" && e.Actor == "root");
    }

    [Fact]
    public async Task WorkflowPolicy_Save_AssociatesPoliciesAndRulesAndTheEngineFollows()
    {
        var pilotUser = await Host.CreateUserAsync("pilot", ou: "IT/Pilot");
        var directory = Host.App.Services.GetRequiredService<IDirectoryStore>();
        await directory.UpdateUserAsync(pilotUser with { LicensedForRemoteAccess = true }, default);
        var pilot = await CreatePolicyAsync(new { name = "IT pilot", order = 1, members = new { organizationalUnits = new[] { "IT" } } });
        var rule = await CreateRuleAsync(new { name = "Enroll now", mayDelay = false, enrollableFactors = new[] { "push" } });

        var saved = await Root.SendAsync(HttpMethod.Put, "/console/api/workflow-policy", new
        {
            remoteAccess = new { secondFactors = new[] { "push", "sms" }, userPolicyIds = new[] { pilot } },
            options = new { numberMatching = false, emailCodesCountAsMfa = true },
            enroll = new Dictionary<string, string> { [pilot] = rule },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var view = await Json(await Root.Http.GetAsync("/console/api/workflow-policy"));
        Assert.Equal(["push", "sms"], view.GetProperty("remoteAccess").GetProperty("secondFactors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([pilot], view.GetProperty("remoteAccess").GetProperty("userPolicyIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(view.GetProperty("webSso").GetProperty("userPolicyIds").EnumerateArray());
        Assert.False(view.GetProperty("options").GetProperty("numberMatching").GetBoolean());
        Assert.True(view.GetProperty("options").GetProperty("emailCodesCountAsMfa").GetBoolean());
        Assert.True(view.GetProperty("options").GetProperty("temporaryCodesForWebSso").GetBoolean());
        Assert.Equal(rule, view.GetProperty("enroll").GetProperty(pilot).GetString());
        Assert.Equal("default", view.GetProperty("enroll").GetProperty("default").GetString());

        var rules = await Json(await Root.Http.GetAsync("/console/api/enrollment-rules"));
        Assert.Equal([pilot], rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == rule).GetProperty("userPolicyIds").EnumerateArray().Select(e => e.GetString()));

        var user = await directory.FindUserByIdAsync(pilotUser.Id, default);
        var plan = await Host.App.Services.GetRequiredService<PolicyEngine>().PlanAsync(user!, WorkflowKind.RemoteAccess, default);
        Assert.Equal((PlanOutcome.Enroll, pilot, rule, false), (plan.Outcome, plan.Policy.Id, plan.Rule.Id, plan.MayDelay));
        Assert.Equal([Factor.Push], plan.Enrollable);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.policy.workflow.update" && e.Result == "success" && e.Actor == "root" && e.Detail!.Contains("remote=push+sms/" + pilot));
    }

    [Fact]
    public async Task WorkflowPolicy_InvalidChanges_400WithReasonAndNothingChanged()
    {
        var pilot = await CreatePolicyAsync(new { name = "IT pilot" });
        var cases = new (object Body, string Reason)[]
        {
            (new { webSso = new { userPolicyIds = new[] { "no-such-policy" } } }, "policy_not_found"),
            (new { webSso = new { secondFactors = new[] { "temporary-code" } } }, "factor_not_allowed"),
            (new { webSso = new { secondFactors = new[] { "password" } } }, "factor_not_allowed"),
            (new { webSso = new { secondFactors = new[] { "face-id" } } }, "factor_invalid"),
            (new { remoteAccess = new { secondFactors = Array.Empty<string>(), userPolicyIds = new[] { pilot } } }, "factor_required"),
            // E-mail alone counts for nothing until the administrator accepts the risk.
            (new { remoteAccess = new { secondFactors = new[] { "email" }, userPolicyIds = new[] { pilot } } }, "factor_required"),
            (new { enroll = new Dictionary<string, string> { [pilot] = "no-such-rule" } }, "rule_not_found"),
            (new { enroll = new Dictionary<string, string> { ["no-such-policy"] = "default" } }, "policy_not_found"),
        };
        foreach (var (body, reason) in cases)
            await AssertReason(await Root.SendAsync(HttpMethod.Put, "/console/api/workflow-policy", body), HttpStatusCode.BadRequest, reason);
        Assert.Equal(new WorkflowPolicy().RemoteAccess.SecondFactors, (await Store.GetWorkflowPolicyAsync(default)).RemoteAccess.SecondFactors);
        Assert.Empty((await Store.GetWorkflowPolicyAsync(default)).WebSso.UserPolicyIds);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.policy.workflow.update" && e.Result == "failure" && e.Reason == "factor_required");
    }

    [Fact]
    public async Task DeletingUserPolicy_TakesItOutOfEveryWorkflow()
    {
        var pilot = await CreatePolicyAsync(new { name = "IT pilot" });
        Assert.Equal(HttpStatusCode.OK, (await Root.SendAsync(HttpMethod.Put, "/console/api/workflow-policy", new
        {
            webSso = new { userPolicyIds = new[] { pilot, "default" } },
            remoteAccess = new { userPolicyIds = new[] { pilot } },
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, $"/console/api/user-policies/{pilot}")).StatusCode);
        var workflow = await Store.GetWorkflowPolicyAsync(default);
        Assert.Equal(["default"], workflow.WebSso.UserPolicyIds);
        Assert.Empty(workflow.RemoteAccess.UserPolicyIds);
    }

    [Fact]
    public async Task Helpdesk_CannotReadOrChangePolicies()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");
        foreach (var path in new[] { "/console/api/workflow-policy", "/console/api/user-policies", "/console/api/enrollment-rules", "/console/api/user-policies/default" })
            Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Put, "/console/api/workflow-policy", new { options = new { numberMatching = false } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Post, "/console/api/user-policies", new { name = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Post, "/console/api/enrollment-rules", new { name = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Delete, "/console/api/enrollment-rules/default")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync("/console/workflow-policy")).StatusCode);
        var usersPage = await desk.Http.GetStringAsync("/console/users");
        Assert.DoesNotContain("/console/workflow-policy", usersPage);
        Assert.DoesNotContain("/console/user-policies", usersPage);
        Assert.Contains("href=\"/console/reports\"", usersPage);
        Assert.True((await Store.GetWorkflowPolicyAsync(default)).Options.NumberMatching);
        Assert.Single(await Store.ListUserPoliciesAsync(default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.access" && e.Reason == "forbidden" && e.Actor == "desk");
    }

    [Fact]
    public async Task Unauthenticated_IsRefused_AndWithoutCsrfNothingChanges()
    {
        using var anonymous = Host.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/console/api/workflow-policy")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(HttpMethod.Post, "/console/api/user-policies", new { name = "x" })).StatusCode);
        var page = await anonymous.Http.GetAsync("/console/user-policies");
        Assert.Equal(HttpStatusCode.SeeOther, page.StatusCode);
        Assert.Equal("/console/login", page.Headers.Location?.OriginalString);

        var forged = await Root.SendAsync(HttpMethod.Put, "/console/api/workflow-policy", new { options = new { numberMatching = false } }, withCsrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.True((await Store.GetWorkflowPolicyAsync(default)).Options.NumberMatching);
    }

    [Fact]
    public async Task ConsolePages_RenderAndSaveThroughForms()
    {
        var pilot = await CreatePolicyAsync(new { name = "IT <pilot>" });
        var html = await Root.Http.GetStringAsync("/console/workflow-policy");
        Assert.Contains("Web SSO log in", html);
        Assert.Contains("Remote access log in", html);
        Assert.Contains("Second factor only", html);
        Assert.Contains("IT &lt;pilot&gt;", html);
        Assert.DoesNotContain("IT <pilot>", html);
        var csrf = AdminClient.CsrfFrom(html);

        var form = new List<KeyValuePair<string, string>>
        {
            new("_csrf", csrf),
            new("webSso.factors", "push"), new("webSso.factors", "webauthn"), new("webSso.policies", pilot),
            new("remoteAccess.factors", "sms"),
            new("secondFactorOnly.factors", "otp"),
            new("temporaryCodesForWebSso", "true"),
            new("enroll." + pilot, "default"),
        };
        var posted = await Root.Http.PostAsync("/console/workflow-policy", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal("/console/workflow-policy?saved=1", posted.Headers.Location?.OriginalString);
        var workflow = await Store.GetWorkflowPolicyAsync(default);
        Assert.Equal([Factor.Push, Factor.WebAuthn], workflow.WebSso.SecondFactors);
        Assert.Equal([pilot], workflow.WebSso.UserPolicyIds);
        Assert.Equal([Factor.Sms], workflow.RemoteAccess.SecondFactors);
        Assert.False(workflow.Options.NumberMatching);

        var withoutCsrf = await Root.Http.PostAsync("/console/user-policies", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Sneaky" }));
        Assert.Equal(HttpStatusCode.Forbidden, withoutCsrf.StatusCode);
        var created = await Root.Http.PostAsync("/console/user-policies", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf, ["name"] = "Nurses", ["order"] = "3" }));
        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        var nurses = (await Store.ListUserPoliciesAsync(default)).Single(p => p.Name == "Nurses");
        Assert.Equal($"/console/user-policies/{nurses.Id}?saved=1", created.Headers.Location?.OriginalString);
        Assert.Contains("Delete user policy", await Root.Http.GetStringAsync($"/console/user-policies/{nurses.Id}"));

        var bad = await Root.Http.PostAsync("/console/enrollment-rules", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = csrf, ["name"] = " ", ["unenrolledAccess"] = "different-login-method", ["prompt"] = "not-prompted",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode); // the form again, as typed, with the reason
        var badPage = await bad.Content.ReadAsStringAsync();
        Assert.Contains(AdminMessages.Describe("rule_name_invalid"), badPage);
        Assert.Contains("value=\"different-login-method\" checked", badPage);
        var rulePage = await Root.Http.PostAsync("/console/enrollment-rules", new FormUrlEncodedContent(new List<KeyValuePair<string, string>>
        {
            new("_csrf", csrf), new("name", "Blocked until enrolled"), new("unenrolledAccess", "different-login-method"), new("prompt", "not-prompted"),
            new("enrollableFactors", "otp"),
        }));
        Assert.Equal(HttpStatusCode.SeeOther, rulePage.StatusCode);
        var rule = (await Store.ListEnrollmentRulesAsync(default)).Single(r => r.Name == "Blocked until enrolled");
        Assert.Equal((UnenrolledAccess.DifferentLoginMethod, EnrollmentPrompt.NotPrompted, false), (rule.UnenrolledAccess, rule.Prompt, rule.MayDelay));
    }
}
