using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Admin.Console;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Admin.Policies;

/// <summary>Console pages for the workflow policy, user policies and enrollment rules (superadmin); forms post back here.</summary>
public static class PolicyPages
{
    public static void MapPolicyPages(this RouteGroupBuilder write)
    {
        write.MapGet("/workflow-policy", async (HttpContext http, PolicyAdministration policies) =>
            new RazorComponentResult<WorkflowPolicyPage>(new
            {
                Admin = AdminPrincipal.Required(http), Workflow = await policies.GetWorkflowAsync(http.RequestAborted),
                Policies = await policies.ListUserPoliciesAsync(http.RequestAborted), Rules = await policies.ListRulesAsync(http.RequestAborted),
                Error = AdminPages.Error(http), Notice = AdminPages.Notice(http),
            }));

        write.MapPost("/workflow-policy", async (HttpContext http, PolicyAdministration policies) =>
        {
            var form = await AdminPages.FormAsync(http);
            var all = await policies.ListUserPoliciesAsync(http.RequestAborted);
            WorkflowRequest Section(string prefix) => new([.. form[prefix + ".factors"].OfType<string>()], [.. form[prefix + ".policies"].OfType<string>()]);
            var request = new WorkflowPolicyRequest(Section("webSso"), Section("remoteAccess"), Section("secondFactorOnly"),
                new AuthenticationOptionsRequest(AdminPages.Checked(form, "numberMatching"), AdminPages.Checked(form, "emailCodesCountAsMfa"), AdminPages.Checked(form, "temporaryCodesForWebSso")),
                all.Where(p => form.ContainsKey("enroll." + p.Id)).ToDictionary(p => p.Id, p => form["enroll." + p.Id].ToString()));
            var result = await policies.SaveWorkflowAsync(AdminPrincipal.Required(http), request, http.RequestAborted);
            return AdminHttp.SeeOther(AdminPages.Back("/admin/workflow-policy", result.Error));
        });

        write.MapGet("/user-policies", async (HttpContext http, PolicyAdministration policies) =>
            new RazorComponentResult<UserPoliciesPage>(new
            {
                Admin = AdminPrincipal.Required(http), Policies = await policies.ListUserPoliciesAsync(http.RequestAborted),
                Rules = await policies.ListRulesAsync(http.RequestAborted), Error = AdminPages.Error(http), Notice = AdminPages.Notice(http),
            }));

        write.MapPost("/user-policies", async (HttpContext http, PolicyAdministration policies) =>
        {
            var form = await AdminPages.FormAsync(http);
            var result = await policies.CreateUserPolicyAsync(AdminPrincipal.Required(http), UserPolicyFrom(form), http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? AdminPages.Back($"/admin/user-policies/{result.Value!.Id}", null) : AdminPages.Back("/admin/user-policies", result.Error));
        });

        write.MapGet("/user-policies/{id}", async (string id, HttpContext http, PolicyAdministration policies, UserAdministration users, GroupAdministration groups) =>
        {
            if (await policies.GetUserPolicyAsync(id, http.RequestAborted) is not { } policy)
                return (IResult)AdminHttp.SeeOther(AdminPages.Back("/admin/user-policies", "not_found"));
            return new RazorComponentResult<UserPolicyEditPage>(new
            {
                Admin = AdminPrincipal.Required(http), Policy = policy, Rules = await policies.ListRulesAsync(http.RequestAborted),
                Users = await users.ListAsync(null, http.RequestAborted), Groups = await groups.ListAsync(http.RequestAborted),
                Error = AdminPages.Error(http), Notice = AdminPages.Notice(http),
            });
        });

        write.MapPost("/user-policies/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var form = await AdminPages.FormAsync(http);
            var result = await policies.UpdateUserPolicyAsync(AdminPrincipal.Required(http), id, UserPolicyFrom(form), http.RequestAborted);
            return AdminHttp.SeeOther(AdminPages.Back($"/admin/user-policies/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/user-policies/{id}/delete", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var result = await policies.DeleteUserPolicyAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? AdminPages.Back("/admin/user-policies", null) : AdminPages.Back($"/admin/user-policies/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapGet("/enrollment-rules/new", (HttpContext http) =>
            new RazorComponentResult<EnrollmentRuleEditPage>(new { Admin = AdminPrincipal.Required(http), Rule = (EnrollmentRule?)null, Error = AdminPages.Error(http) }));

        write.MapPost("/enrollment-rules", async (HttpContext http, PolicyAdministration policies) =>
        {
            var form = await AdminPages.FormAsync(http);
            var result = await policies.CreateRuleAsync(AdminPrincipal.Required(http), RuleFrom(form), http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? AdminPages.Back("/admin/workflow-policy", null) : AdminPages.Back("/admin/enrollment-rules/new", result.Error));
        });

        write.MapGet("/enrollment-rules/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
            await policies.GetRuleAsync(id, http.RequestAborted) is { } rule
                ? (IResult)new RazorComponentResult<EnrollmentRuleEditPage>(new { Admin = AdminPrincipal.Required(http), Rule = rule, Error = AdminPages.Error(http), Notice = AdminPages.Notice(http) })
                : AdminHttp.SeeOther(AdminPages.Back("/admin/workflow-policy", "not_found")));

        write.MapPost("/enrollment-rules/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var form = await AdminPages.FormAsync(http);
            var result = await policies.UpdateRuleAsync(AdminPrincipal.Required(http), id, RuleFrom(form), http.RequestAborted);
            return AdminHttp.SeeOther(AdminPages.Back($"/admin/enrollment-rules/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/enrollment-rules/{id}/delete", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var result = await policies.DeleteRuleAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? AdminPages.Back("/admin/workflow-policy", null) : AdminPages.Back($"/admin/enrollment-rules/{Uri.EscapeDataString(id)}", result.Error));
        });
    }

    private static UserPolicyRequest UserPolicyFrom(IFormCollection form)
    {
        int? order = int.TryParse(form["order"].ToString(), out var o) ? o : (form["order"].ToString().Length == 0 ? null : -1);
        return new UserPolicyRequest(form["name"], form["description"], order,
            new MembersRequest([.. form["userIds"].OfType<string>()], [.. form["groupIds"].OfType<string>()],
                AdminPages.Lines(form["organizationalUnits"]), AdminPages.Lines(form["domains"])),
            form["enrollmentRuleId"]);
    }

    private static EnrollmentRuleRequest RuleFrom(IFormCollection form) =>
        new(form["name"], form["unenrolledAccess"], form["prompt"], AdminPages.Checked(form, "mayDelay"), [.. form["enrollableFactors"].OfType<string>()]);

    /// <summary>Factors a workflow or rule form offers as checkboxes.</summary>
    public static IEnumerable<Factor> Offered => Enum.GetValues<Factor>().Where(PolicyNames.IsWorkflowFactor);
}
