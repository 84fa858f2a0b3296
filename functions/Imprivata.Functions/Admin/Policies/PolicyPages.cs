using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Admin.Policies;

/// <summary>
/// Console pages for the workflow policy, user policies and enrollment rules (superadmin); forms post back here, and a
/// refused form is shown again as typed.
/// </summary>
public static class PolicyPages
{
    public static void MapPolicyPages(this RouteGroupBuilder write)
    {
        write.MapGet("/workflow-policy", (HttpContext http, PolicyAdministration policies) => WorkflowPageAsync(http, policies, null, null, Error(http), Notice(http)));

        write.MapPost("/workflow-policy", async (HttpContext http, PolicyAdministration policies) =>
        {
            var form = await FormAsync(http);
            var all = await policies.ListUserPoliciesAsync(http.RequestAborted);
            WorkflowRequest Section(string prefix) => new(All(form, prefix + ".factors"), All(form, prefix + ".policies"));
            var request = new WorkflowPolicyRequest(Section("webSso"), Section("remoteAccess"), Section("secondFactorOnly"),
                new AuthenticationOptionsRequest(Checked(form, "numberMatching"), Checked(form, "emailCodesCountAsMfa"), Checked(form, "temporaryCodesForWebSso")),
                all.Where(p => form.ContainsKey("enroll." + p.Id)).ToDictionary(p => p.Id, p => Text(form, "enroll." + p.Id)));
            var result = await policies.SaveWorkflowAsync(Actor(http), request, http.RequestAborted);
            if (result.Succeeded)
                return AdminHttp.SeeOther(Back("/console/workflow-policy", null));
            var current = await policies.GetWorkflowAsync(http.RequestAborted);
            var draft = request.ToPolicy(current, out var typed) is null ? typed : current;
            return await WorkflowPageAsync(http, policies, draft, request.Enroll, result.Describe(), null, result.FailureStatus);
        });

        write.MapGet("/user-policies", async (HttpContext http, PolicyAdministration policies) =>
            Page<UserPoliciesPage>(await ListParametersAsync(http, policies, null, Error(http), Notice(http))));

        write.MapPost("/user-policies", async (HttpContext http, PolicyAdministration policies) =>
        {
            var form = await FormAsync(http);
            var result = await policies.CreateUserPolicyAsync(Actor(http), UserPolicyFrom(form), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/user-policies/{result.Value!.Id}", null))
                : Page<UserPoliciesPage>(await ListParametersAsync(http, policies, (Text(form, "name"), Text(form, "description"), Text(form, "order")), result.Describe(), null),
                    result.FailureStatus);
        });

        write.MapGet("/user-policies/{id}", (string id, HttpContext http, PolicyAdministration policies, DirectoryPicker picker) =>
            PolicyPageAsync(http, id, policies, picker, null, null, null, Error(http), Notice(http)));

        // "Find" shows the form again with what is ticked so far and the matches; "Save" saves.
        write.MapPost("/user-policies/{id}", async (string id, HttpContext http, PolicyAdministration policies, DirectoryPicker picker) =>
        {
            var form = await FormAsync(http);
            var request = UserPolicyFrom(form);
            if (form.ContainsKey("find"))
                return await PolicyPageAsync(http, id, policies, picker, request.ToPolicy(id), form, Text(form, "find"), null, null);
            var result = await policies.UpdateUserPolicyAsync(Actor(http), id, request, http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/user-policies/{Uri.EscapeDataString(id)}", null))
                : await PolicyPageAsync(http, id, policies, picker, request.ToPolicy(id), form, null, result.Describe(), null, result.FailureStatus);
        });

        write.MapPost("/user-policies/{id}/delete", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var result = await policies.DeleteUserPolicyAsync(Actor(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back("/console/user-policies", null) : Back($"/console/user-policies/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapGet("/enrollment-rules/new", (HttpContext http) =>
            Page<EnrollmentRuleEditPage>(new { Admin = Actor(http), Rule = (EnrollmentRule?)null, Error = Error(http) }));

        write.MapPost("/enrollment-rules", async (HttpContext http, PolicyAdministration policies) =>
        {
            var form = await FormAsync(http);
            var result = await policies.CreateRuleAsync(Actor(http), RuleFrom(form), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back("/console/workflow-policy", null))
                : Page<EnrollmentRuleEditPage>(new { Admin = Actor(http), Rule = (EnrollmentRule?)null, Draft = RuleDraft(form, ""), Error = result.Describe() }, result.FailureStatus);
        });

        write.MapGet("/enrollment-rules/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
            await policies.GetRuleAsync(id, http.RequestAborted) is { } rule
                ? Page<EnrollmentRuleEditPage>(new { Admin = Actor(http), Rule = rule, Error = Error(http), Notice = Notice(http) })
                : AdminHttp.SeeOther(Back("/console/workflow-policy", "not_found")));

        write.MapPost("/enrollment-rules/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var form = await FormAsync(http);
            var result = await policies.UpdateRuleAsync(Actor(http), id, RuleFrom(form), http.RequestAborted);
            if (result.Succeeded || await policies.GetRuleAsync(id, http.RequestAborted) is not { } rule)
                return AdminHttp.SeeOther(Back($"/console/enrollment-rules/{Uri.EscapeDataString(id)}", result.Error));
            return Page<EnrollmentRuleEditPage>(new { Admin = Actor(http), Rule = rule, Draft = RuleDraft(form, id), Error = result.Describe() }, result.FailureStatus);
        });

        write.MapPost("/enrollment-rules/{id}/delete", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var result = await policies.DeleteRuleAsync(Actor(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back("/console/workflow-policy", null) : Back($"/console/enrollment-rules/{Uri.EscapeDataString(id)}", result.Error));
        });
    }

    private static async Task<IResult> WorkflowPageAsync(HttpContext http, PolicyAdministration policies, WorkflowPolicy? draft,
        IReadOnlyDictionary<string, string>? enroll, string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var all = await policies.ListUserPoliciesAsync(http.RequestAborted);
        return Page<WorkflowPolicyPage>(new
        {
            Admin = Actor(http), Workflow = draft ?? await policies.GetWorkflowAsync(http.RequestAborted),
            Policies = enroll is null ? all : [.. all.Select(p => enroll.TryGetValue(p.Id, out var rule) ? p with { EnrollmentRuleId = rule } : p)],
            Rules = await policies.ListRulesAsync(http.RequestAborted), Error = error, Notice = notice,
        }, status);
    }

    private static async Task<object> ListParametersAsync(HttpContext http, PolicyAdministration policies, (string Name, string Description, string Order)? draft,
        string? error, string? notice) => new
    {
        Admin = Actor(http), Policies = await policies.ListUserPoliciesAsync(http.RequestAborted), Rules = await policies.ListRulesAsync(http.RequestAborted),
        Workflow = await policies.GetWorkflowAsync(http.RequestAborted), DraftName = draft?.Name, DraftDescription = draft?.Description, DraftOrder = draft?.Order,
        Error = error, Notice = notice,
    };

    /// <summary>A user policy's page: its fields (or what was typed), which workflows use it, and the member pickers.</summary>
    private static async Task<IResult> PolicyPageAsync(HttpContext http, string id, PolicyAdministration policies, DirectoryPicker picker, UserPolicy? draft,
        IFormCollection? form, string? focus, string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        if (await policies.GetUserPolicyAsync(id, ct) is not { } saved)
            return AdminHttp.SeeOther(Back("/console/user-policies", "not_found"));
        var policy = draft ?? saved;
        var groupQuery = form is null ? http.Request.Query["groupq"].ToString() : Text(form, "groupq");
        var userQuery = form is null ? http.Request.Query["userq"].ToString() : Text(form, "userq");
        return Page<UserPolicyEditPage>(new
        {
            Admin = Actor(http), Policy = policy, Rules = await policies.ListRulesAsync(ct),
            Coverage = PolicyCoverage.Of(saved, await policies.GetWorkflowAsync(ct)),
            ChosenGroups = await picker.GroupsByIdAsync(policy.Members.GroupIds, ct),
            ChosenUsers = await picker.UsersByIdAsync(policy.Members.UserIds, ct),
            GroupQuery = groupQuery, UserQuery = userQuery, Focus = focus,
            GroupCandidates = saved.IsDefault ? PickerResult<Core.UserDirectory.DirectoryGroup>.None : await picker.GroupsAsync(groupQuery, policy.Members.GroupIds.ToHashSet(), ct),
            UserCandidates = saved.IsDefault ? PickerResult<Core.UserDirectory.DirectoryUser>.None : await picker.UsersAsync(userQuery, policy.Members.UserIds.ToHashSet(), ct),
            Error = error, Notice = notice,
        }, status);
    }

    private static UserPolicyRequest UserPolicyFrom(IFormCollection form)
    {
        int? order = int.TryParse(Text(form, "order"), out var o) ? o : (Text(form, "order").Length == 0 ? null : -1);
        return new UserPolicyRequest(form["name"], form["description"], order,
            new MembersRequest(All(form, "userIds"), All(form, "groupIds"), Lines(form["organizationalUnits"]), Lines(form["domains"])),
            form["enrollmentRuleId"]);
    }

    private static EnrollmentRuleRequest RuleFrom(IFormCollection form) =>
        new(form["name"], form["unenrolledAccess"], form["prompt"], Checked(form, "mayDelay"), All(form, "enrollableFactors"));

    /// <summary>What was typed into the rule form; choices that do not parse show as the defaults.</summary>
    private static EnrollmentRule RuleDraft(IFormCollection form, string id) =>
        RuleFrom(form).ToRule(id, out var rule) is null ? rule : EnrollmentRule.Default with { Id = id, Name = Text(form, "name") };

    /// <summary>Factors a workflow or rule form offers as checkboxes.</summary>
    public static IEnumerable<Factor> Offered => Enum.GetValues<Factor>().Where(PolicyNames.IsWorkflowFactor);
}
