using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Methods;
using Imprivata.Functions.Admin.Policies;
using Imprivata.Functions.Admin.RemoteAccess;
using Imprivata.Functions.Admin.Reports;
using Imprivata.Functions.Radius.Edges;
using Imprivata.Functions.Eam;

namespace Imprivata.Functions.Admin;

/// <summary>
/// JSON API under /console/api. Helpdesk may read users, groups and OUs, read the enrollment reports and view, remove and
/// reset a user's enrolled methods (the lost-device job); everything else that changes state, and anything about apps,
/// settings and policies, needs a superadmin (only superadmins configure Web SSO application profiles).
/// </summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/console/api").AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Api));
        var write = app.MapGroup("/console/api").AddEndpointFilter(new AdminAccessFilter(AdminRole.Superadmin, AdminSurface.Api));

        read.MapGet("/session", (HttpContext http) =>
        {
            var admin = AdminPrincipal.Required(http);
            return Results.Json(new { admin.User.Id, admin.User.Username, Role = admin.Role.ToString(), CsrfToken = admin.Session.CsrfToken }, AdminHttp.Json);
        });

        MapUsers(read, write);
        MapGroups(read, write);
        MapApps(write);
        MapSettings(write);
        read.MapEnrolledMethodsApi();
        read.MapReportApi(write);
        write.MapPolicyApi();
        write.MapApiResourceApi();
        write.MapRadiusClientApi();
        read.MapEdgeApi(write);
        write.MapEamAdminApi();
    }

    private static void MapUsers(RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet("/users", async (string? q, UserAdministration users, CancellationToken ct) =>
            Results.Json((await users.ListAsync(q, ct)).Select(UserView.Of), AdminHttp.Json));

        read.MapGet("/users/{id}", async (string id, UserAdministration users, CancellationToken ct) =>
            await users.GetAsync(id, ct) is { } user ? Results.Json(UserView.Of(user), AdminHttp.Json) : AdminHttp.Error(404, "not_found"));

        read.MapGet("/users/{id}/groups", async (string id, UserAdministration users, CancellationToken ct) =>
        {
            if (await users.GetAsync(id, ct) is null)
                return AdminHttp.Error(404, "not_found");
            var (direct, effective) = await users.GroupsOfAsync(id, ct);
            return Results.Json(new { Direct = direct, Effective = effective.Order() }, AdminHttp.Json);
        });

        read.MapGet("/ous", async (UserAdministration users, CancellationToken ct) => Results.Json(await users.ListOrganizationalUnitsAsync(ct), AdminHttp.Json));

        write.MapPost("/users", async (HttpContext http, UserAdministration users) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<UserRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            if (body.ToFields(out var fields) is { } invalid)
                return AdminHttp.BadRequest(invalid);
            var result = await users.CreateAsync(AdminPrincipal.Required(http), fields, body.Password, http.RequestAborted);
            return result.Succeeded ? Results.Json(UserView.Of(result.Value!), AdminHttp.Json, statusCode: 201) : AdminHttp.Failure(result);
        });

        write.MapPut("/users/{id}", async (string id, HttpContext http, UserAdministration users) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<UserRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            if (body.ToFields(out var fields) is { } invalid)
                return AdminHttp.BadRequest(invalid);
            var result = await users.UpdateAsync(AdminPrincipal.Required(http), id, fields, http.RequestAborted);
            return result.Succeeded ? Results.Json(UserView.Of(result.Value!), AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapPost("/users/{id}/disable", (string id, HttpContext http, UserAdministration users) => SetEnabled(id, false, http, users));
        write.MapPost("/users/{id}/enable", (string id, HttpContext http, UserAdministration users) => SetEnabled(id, true, http, users));

        write.MapPut("/users/{id}/password", async (string id, HttpContext http, UserAdministration users) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<PasswordRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await users.SetPasswordAsync(AdminPrincipal.Required(http), id, body.Password ?? "", http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });

        write.MapDelete("/users/{id}", async (string id, HttpContext http, UserAdministration users) =>
        {
            var result = await users.DeleteAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });
    }

    private static async Task<IResult> SetEnabled(string id, bool enabled, HttpContext http, UserAdministration users)
    {
        var result = await users.SetEnabledAsync(AdminPrincipal.Required(http), id, enabled, http.RequestAborted);
        return result.Succeeded ? Results.Json(UserView.Of(result.Value!), AdminHttp.Json) : AdminHttp.Failure(result);
    }

    private static void MapGroups(RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet("/groups", async (GroupAdministration groups, CancellationToken ct) => Results.Json(await groups.ListAsync(ct), AdminHttp.Json));

        read.MapGet("/groups/{id}", async (string id, GroupAdministration groups, CancellationToken ct) =>
        {
            if (await groups.GetAsync(id, ct) is not { } group)
                return AdminHttp.Error(404, "not_found");
            var members = await groups.MembersAsync(id, ct);
            return Results.Json(new { Group = group, Members = members.Select(m => new { Kind = m.Kind.ToString().ToLowerInvariant(), Id = m.MemberId }) }, AdminHttp.Json);
        });

        write.MapPost("/groups", async (HttpContext http, GroupAdministration groups) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<GroupRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await groups.CreateAsync(AdminPrincipal.Required(http), body.Name ?? "", body.Description ?? "", http.RequestAborted);
            return result.Succeeded ? Results.Json(result.Value, AdminHttp.Json, statusCode: 201) : AdminHttp.Failure(result);
        });

        write.MapPut("/groups/{id}", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<GroupRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await groups.UpdateAsync(AdminPrincipal.Required(http), id, body.Name ?? "", body.Description ?? "", http.RequestAborted);
            return result.Succeeded ? Results.Json(result.Value, AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapDelete("/groups/{id}", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var result = await groups.DeleteAsync(AdminPrincipal.Required(http), id, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });

        write.MapPost("/groups/{id}/members", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<MemberRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            if (!TryKind(body.Kind, out var kind) || string.IsNullOrEmpty(body.Id))
                return AdminHttp.BadRequest("member_invalid");
            var result = await groups.AddMemberAsync(AdminPrincipal.Required(http), new GroupMember(id, kind, body.Id), http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });

        write.MapDelete("/groups/{id}/members/{kind}/{memberId}", async (string id, string kind, string memberId, HttpContext http, GroupAdministration groups) =>
        {
            if (!TryKind(kind, out var memberKind))
                return AdminHttp.BadRequest("member_invalid");
            var result = await groups.RemoveMemberAsync(AdminPrincipal.Required(http), new GroupMember(id, memberKind, memberId), http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });
    }

    public static bool TryKind(string? text, out MemberKind kind)
    {
        kind = text switch { "user" => MemberKind.User, "group" => MemberKind.Group, _ => (MemberKind)(-1) };
        return Enum.IsDefined(kind);
    }

    private static void MapApps(RouteGroupBuilder write)
    {
        write.MapGet("/apps", async (AppAdministration apps, CancellationToken ct) =>
            Results.Json((await apps.ListAsync(ct)).Select(p => AppView.Of(p, null, apps.MetadataUrl)), AdminHttp.Json));

        write.MapGet("/apps/{clientId}", async (string clientId, AppAdministration apps, CancellationToken ct) =>
            await apps.GetAsync(clientId, ct) is { } profile
                ? Results.Json(AppView.Of(profile, await apps.GetClientAsync(clientId, ct), apps.MetadataUrl), AdminHttp.Json)
                : AdminHttp.Error(404, "not_found"));

        write.MapPost("/apps/oidc", async (HttpContext http, AppAdministration apps) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<AppRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await apps.CreateOidcAsync(AdminPrincipal.Required(http), body.ToFields(), http.RequestAborted);
            return result.Succeeded ? Credentials(result.Value!, 201) : AdminHttp.Failure(result);
        });

        write.MapPut("/apps/{clientId}", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<AppRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await apps.UpdateOidcAsync(AdminPrincipal.Required(http), clientId, body.ToFields(), http.RequestAborted);
            return result.Succeeded ? Results.Json(AppView.Of(result.Value!, null, apps.MetadataUrl), AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapPost("/apps/{clientId}/secret", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var result = await apps.RegenerateSecretAsync(AdminPrincipal.Required(http), clientId, http.RequestAborted);
            return result.Succeeded ? Credentials(result.Value!, 200) : AdminHttp.Failure(result);
        });

        write.MapPut("/apps/{clientId}/deployment", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<AppDeployment>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await apps.SetDeploymentAsync(AdminPrincipal.Required(http), clientId, body, http.RequestAborted);
            return result.Succeeded ? Results.Json(result.Value!.Deployment, AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapGet("/apps/{clientId}/deployment/users/{userId}", async (string clientId, string userId, AppAdministration apps, CancellationToken ct) =>
        {
            var result = await apps.IsDeployedToAsync(clientId, userId, ct);
            return result.Succeeded ? Results.Json(new { Deployed = result.Value }, AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapDelete("/apps/{clientId}", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var result = await apps.DeleteAsync(AdminPrincipal.Required(http), clientId, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : AdminHttp.Failure(result);
        });
    }

    /// <summary>The only response that ever carries a client secret; never cached.</summary>
    private static IResult Credentials(ClientCredentials credentials, int status) =>
        Results.Json(new CredentialsView(credentials.Profile.ClientId, credentials.ClientSecret, credentials.MetadataUrl), AdminHttp.Json, statusCode: status);

    private static void MapSettings(RouteGroupBuilder write)
    {
        write.MapGet("/settings/web-login", async (WebLoginAdministration settings, CancellationToken ct) =>
            Results.Json(WebLoginView.Of(await settings.GetAsync(ct)), AdminHttp.Json));

        write.MapPut("/settings/web-login", async (HttpContext http, WebLoginAdministration settings) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<WebLoginRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            // PUT replaces both settings: a body that leaves the timeout out must not switch automatic logout off by omission.
            if (!body.HasSessionTimeout)
                return AdminHttp.BadRequest("session_timeout_required");
            var result = await settings.SaveAsync(AdminPrincipal.Required(http), body.BackgroundColor, body.SessionTimeoutMinutes, http.RequestAborted);
            return result.Succeeded ? Results.Json(WebLoginView.Of(result.Value!), AdminHttp.Json) : AdminHttp.Failure(result);
        });

        // Raw image bytes as the body; the type is taken from the magic bytes, not from Content-Type.
        write.MapPut("/settings/web-login/logo", async (HttpContext http, WebLoginAdministration settings) =>
        {
            var logo = await LogoUpload.ReadAsync(http.Request.Body, http.Request.ContentLength, http.RequestAborted);
            if (logo is null)
                return AdminHttp.BadRequest("logo_too_large");
            var result = await settings.SetLogoAsync(AdminPrincipal.Required(http), logo, http.RequestAborted);
            return result.Succeeded ? Results.Json(WebLoginView.Of(result.Value!), AdminHttp.Json) : AdminHttp.Failure(result);
        });

        write.MapDelete("/settings/web-login/logo", async (HttpContext http, WebLoginAdministration settings) =>
            Results.Json(WebLoginView.Of(await settings.RemoveLogoAsync(AdminPrincipal.Required(http), http.RequestAborted)), AdminHttp.Json));
    }
}
