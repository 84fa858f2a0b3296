namespace Imprivata.Functions.Admin.Policies;

/// <summary>
/// /console/api/workflow-policy, /console/api/user-policies, /console/api/enrollment-rules. Superadmin only, reads included:
/// policies decide who needs which factor, which the helpdesk role neither sets nor needs to see.
/// </summary>
public static class PolicyApi
{
    public static void MapPolicyApi(this RouteGroupBuilder write)
    {
        write.MapGet("/workflow-policy", async (PolicyAdministration policies, CancellationToken ct) =>
            Results.Json(WorkflowPolicyView.Of(await policies.GetWorkflowAsync(ct), await policies.ListUserPoliciesAsync(ct)), AdminHttp.Json));

        write.MapPut("/workflow-policy", async (HttpContext http, PolicyAdministration policies) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<WorkflowPolicyRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await policies.SaveWorkflowAsync(AdminPrincipal.Required(http), body, http.RequestAborted);
            return result.Succeeded
                ? Results.Json(WorkflowPolicyView.Of(result.Value!, await policies.ListUserPoliciesAsync(http.RequestAborted)), AdminHttp.Json)
                : AdminHttp.Failure(result);
        });

        write.MapGet("/user-policies", async (PolicyAdministration policies, CancellationToken ct) =>
            Results.Json((await policies.ListUserPoliciesAsync(ct)).Select(UserPolicyView.Of), AdminHttp.Json));

        write.MapGet("/user-policies/{id}", async (string id, PolicyAdministration policies, CancellationToken ct) =>
            await policies.GetUserPolicyAsync(id, ct) is { } policy ? Results.Json(UserPolicyView.Of(policy), AdminHttp.Json) : AdminHttp.Error(404, "not_found"));

        write.MapPost("/user-policies", async (HttpContext http, PolicyAdministration policies) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<UserPolicyRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await policies.CreateUserPolicyAsync(AdminPrincipal.Required(http), body, http.RequestAborted);
            return result.Succeeded ? Results.Json(UserPolicyView.Of(result.Value!), AdminHttp.Json, statusCode: 201) : AdminHttp.Failure(result);
        });

        write.MapPut("/user-policies/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<UserPolicyRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await policies.UpdateUserPolicyAsync(AdminPrincipal.Required(http), id, body, http.RequestAborted);
            return result.Succeeded ? Results.Json(UserPolicyView.Of(result.Value!), AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapDelete("/user-policies/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var result = await policies.DeleteUserPolicyAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });

        write.MapGet("/enrollment-rules", async (PolicyAdministration policies, CancellationToken ct) =>
        {
            var users = await policies.ListUserPoliciesAsync(ct);
            return Results.Json((await policies.ListRulesAsync(ct)).Select(r => EnrollmentRuleView.Of(r, users)), AdminHttp.Json);
        });

        write.MapGet("/enrollment-rules/{id}", async (string id, PolicyAdministration policies, CancellationToken ct) =>
            await policies.GetRuleAsync(id, ct) is { } rule
                ? Results.Json(EnrollmentRuleView.Of(rule, await policies.ListUserPoliciesAsync(ct)), AdminHttp.Json)
                : AdminHttp.Error(404, "not_found"));

        write.MapPost("/enrollment-rules", async (HttpContext http, PolicyAdministration policies) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<EnrollmentRuleRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await policies.CreateRuleAsync(AdminPrincipal.Required(http), body, http.RequestAborted);
            return result.Succeeded
                ? Results.Json(EnrollmentRuleView.Of(result.Value!, await policies.ListUserPoliciesAsync(http.RequestAborted)), AdminHttp.Json, statusCode: 201)
                : AdminHttp.Failure(result);
        });

        write.MapPut("/enrollment-rules/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<EnrollmentRuleRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await policies.UpdateRuleAsync(AdminPrincipal.Required(http), id, body, http.RequestAborted);
            return result.Succeeded
                ? Results.Json(EnrollmentRuleView.Of(result.Value!, await policies.ListUserPoliciesAsync(http.RequestAborted)), AdminHttp.Json)
                : AdminHttp.Failure(result);
        });

        write.MapDelete("/enrollment-rules/{id}", async (string id, HttpContext http, PolicyAdministration policies) =>
        {
            var result = await policies.DeleteRuleAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });
    }
}
