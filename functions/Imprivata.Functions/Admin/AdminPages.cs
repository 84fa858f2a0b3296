using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using Imprivata.Functions.Admin.Methods;
using Imprivata.Functions.Admin.Policies;
using Imprivata.Functions.Admin.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace Imprivata.Functions.Admin;

/// <summary>
/// The console: GETs render Razor components (static SSR, no circuit); POSTs are handled here, checked by the
/// access filter (session, CSRF field, role), and answered with 303 back to a page (post/redirect/get).
/// </summary>
public static class AdminPages
{
    public static void MapAdminPages(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/admin").AddEndpointFilter(new AdminAccessFilter(AdminRole.Helpdesk, AdminSurface.Pages));
        var write = app.MapGroup("/admin").AddEndpointFilter(new AdminAccessFilter(AdminRole.Superadmin, AdminSurface.Pages));

        read.MapGet("/", () => AdminHttp.SeeOther("/admin/users"));
        MapUsers(read, write);
        MapGroups(read, write);
        MapApps(write);
        MapSettings(write);
        // A user's enrolled methods and the reports: helpdesk and up (see their classes); policies: superadmin.
        read.MapEnrolledMethodsPages();
        read.MapReportPages(write);
        write.MapPolicyPages();
    }

    private static AdminPrincipal Admin(HttpContext http) => AdminPrincipal.Required(http);

    internal static string? Notice(HttpContext http) => http.Request.Query.ContainsKey("saved") ? "Saved." : null;

    internal static string? Error(HttpContext http) => http.Request.Query.TryGetValue("error", out var e) ? e.ToString() : null;

    internal static string Back(string path, string? error) => error is null ? path + "?saved=1" : path + "?error=" + Uri.EscapeDataString(error);

    internal static async Task<IFormCollection> FormAsync(HttpContext http) => await http.Request.ReadFormAsync(http.RequestAborted);

    internal static bool Checked(IFormCollection form, string name) => form[name].Contains("true");

    internal static IReadOnlyList<string> Lines(StringValues value) =>
        value.ToString().Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void MapUsers(RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet("/users", async (HttpContext http, string? q, UserAdministration users) =>
            new RazorComponentResult<UsersPage>(new { Admin = Admin(http), Users = await users.ListAsync(q, http.RequestAborted), Query = q, Error = Error(http), Notice = Notice(http) }));

        write.MapGet("/users/new", (HttpContext http) => new RazorComponentResult<UserNewPage>(new { Admin = Admin(http), Error = Error(http) }));

        write.MapPost("/users/new", async (HttpContext http, UserAdministration users) =>
        {
            var form = await FormAsync(http);
            if (UserFieldsFrom(form, out var fields) is { } invalid)
                return AdminHttp.SeeOther(Back("/admin/users/new", invalid));
            var password = form["password"].ToString();
            var result = await users.CreateAsync(Admin(http), fields, password.Length == 0 ? null : password, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back($"/admin/users/{result.Value!.Id}", null) : Back("/admin/users/new", result.Error));
        });

        read.MapGet("/users/{id}", async (string id, HttpContext http, UserAdministration users, GroupAdministration groups, EnrolledMethodsAdministration methods) =>
        {
            if (await users.GetAsync(id, http.RequestAborted) is not { } user)
                return (IResult)AdminHttp.SeeOther(Back("/admin/users", DirectoryErrors.NotFound));
            var (direct, effective) = await users.GroupsOfAsync(id, http.RequestAborted);
            return new RazorComponentResult<UserEditPage>(new
            {
                Admin = Admin(http), User = user, AllGroups = await groups.ListAsync(http.RequestAborted),
                DirectGroupIds = direct, EffectiveGroupIds = effective, Error = Error(http), Notice = Notice(http),
                Methods = (await methods.ListAsync(id, http.RequestAborted)).Value ?? [],
            });
        });

        write.MapPost("/users/{id}", async (string id, HttpContext http, UserAdministration users) =>
        {
            var form = await FormAsync(http);
            var error = UserFieldsFrom(form, out var fields);
            if (error is null)
                error = (await users.UpdateAsync(Admin(http), id, fields, http.RequestAborted)).Error;
            return AdminHttp.SeeOther(Back($"/admin/users/{Uri.EscapeDataString(id)}", error));
        });

        write.MapPost("/users/{id}/password", async (string id, HttpContext http, UserAdministration users) =>
        {
            var form = await FormAsync(http);
            var result = await users.SetPasswordAsync(Admin(http), id, form["password"].ToString(), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/admin/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/users/{id}/groups/add", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.AddMemberAsync(Admin(http), new GroupMember(form["groupId"].ToString(), MemberKind.User, id), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/admin/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/users/{id}/groups/remove", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.RemoveMemberAsync(Admin(http), new GroupMember(form["groupId"].ToString(), MemberKind.User, id), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/admin/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/users/{id}/delete", async (string id, HttpContext http, UserAdministration users) =>
        {
            var result = await users.DeleteAsync(Admin(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back("/admin/users", null) : Back($"/admin/users/{Uri.EscapeDataString(id)}", result.Error));
        });
    }

    private static string? UserFieldsFrom(IFormCollection form, out UserFields fields)
    {
        var request = new UserRequest(form["username"], form["displayName"], form["email"], form["phone"], form["domain"], form["organizationalUnit"],
            Checked(form, "enabled"), Checked(form, "licensedForSso"), Checked(form, "licensedForRemoteAccess"), form["adminRole"], null);
        return request.ToFields(out fields);
    }

    private static void MapGroups(RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet("/groups", async (HttpContext http, GroupAdministration groups) =>
            new RazorComponentResult<GroupsPage>(new { Admin = Admin(http), Groups = await groups.ListAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapPost("/groups", async (HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.CreateAsync(Admin(http), form["name"].ToString(), form["description"].ToString(), http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back($"/admin/groups/{result.Value!.Id}", null) : Back("/admin/groups", result.Error));
        });

        read.MapGet("/groups/{id}", async (string id, HttpContext http, GroupAdministration groups, UserAdministration users) =>
        {
            if (await groups.GetAsync(id, http.RequestAborted) is not { } group)
                return (IResult)AdminHttp.SeeOther(Back("/admin/groups", DirectoryErrors.NotFound));
            var allUsers = await users.ListAsync(null, http.RequestAborted);
            var allGroups = await groups.ListAsync(http.RequestAborted);
            return new RazorComponentResult<GroupEditPage>(new
            {
                Admin = Admin(http), Group = group, Members = await groups.MembersAsync(id, http.RequestAborted),
                UserNames = allUsers.ToDictionary(u => u.Id, u => u.Username), GroupNames = allGroups.ToDictionary(g => g.Id, g => g.Name),
                Error = Error(http), Notice = Notice(http),
            });
        });

        write.MapPost("/groups/{id}", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.UpdateAsync(Admin(http), id, form["name"].ToString(), form["description"].ToString(), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/admin/groups/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/groups/{id}/members/add", (string id, HttpContext http, GroupAdministration groups) => ChangeMember(id, http, groups, add: true));
        write.MapPost("/groups/{id}/members/remove", (string id, HttpContext http, GroupAdministration groups) => ChangeMember(id, http, groups, add: false));

        write.MapPost("/groups/{id}/delete", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var result = await groups.DeleteAsync(Admin(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(Back("/admin/groups", result.Error));
        });
    }

    private static async Task<IResult> ChangeMember(string id, HttpContext http, GroupAdministration groups, bool add)
    {
        var form = await FormAsync(http);
        var back = $"/admin/groups/{Uri.EscapeDataString(id)}";
        if (!AdminApi.TryKind(form["kind"], out var kind) || string.IsNullOrEmpty(form["id"]))
            return AdminHttp.SeeOther(Back(back, "member_invalid"));
        var member = new GroupMember(id, kind, form["id"].ToString());
        var result = add ? await groups.AddMemberAsync(Admin(http), member, http.RequestAborted) : await groups.RemoveMemberAsync(Admin(http), member, http.RequestAborted);
        return AdminHttp.SeeOther(Back(back, result.Error));
    }

    private static void MapApps(RouteGroupBuilder write)
    {
        write.MapGet("/apps", async (HttpContext http, AppAdministration apps) =>
            new RazorComponentResult<AppsPage>(new { Admin = Admin(http), Profiles = await apps.ListAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapGet("/apps/new/oidc", (HttpContext http, AppAdministration apps) =>
            new RazorComponentResult<AppNewPage>(new { Admin = Admin(http), apps.MetadataUrl, Error = Error(http) }));

        // The secret is rendered in this response only (never stored in clear, never put in a URL), so no redirect here.
        write.MapPost("/apps/new/oidc", async (HttpContext http, AppAdministration apps) =>
        {
            var form = await FormAsync(http);
            var fields = new OidcAppFields(form["adminName"].ToString(), form["displayName"].ToString(), Lines(form["redirectUris"]), Lines(form["postLogoutRedirectUris"]),
                form["backchannelLogoutUri"].ToString());
            var result = await apps.CreateOidcAsync(Admin(http), fields, http.RequestAborted);
            return result.Succeeded
                ? (IResult)new RazorComponentResult<AppCredentialsPage>(new { Admin = Admin(http), Credentials = result.Value! })
                : AdminHttp.SeeOther(Back("/admin/apps/new/oidc", result.Error));
        });

        write.MapGet("/apps/{clientId}", async (string clientId, HttpContext http, AppAdministration apps) =>
            await apps.GetAsync(clientId, http.RequestAborted) is { } profile
                ? (IResult)new RazorComponentResult<AppEditPage>(new
                {
                    Admin = Admin(http), Profile = profile, Client = await apps.GetClientAsync(clientId, http.RequestAborted),
                    apps.MetadataUrl, Error = Error(http), Notice = Notice(http),
                })
                : AdminHttp.SeeOther(Back("/admin/apps", DirectoryErrors.NotFound)));

        write.MapPost("/apps/{clientId}", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var form = await FormAsync(http);
            var fields = new OidcAppFields(form["adminName"].ToString(), form["displayName"].ToString(), Lines(form["redirectUris"]), Lines(form["postLogoutRedirectUris"]),
                form["backchannelLogoutUri"].ToString());
            var result = await apps.UpdateOidcAsync(Admin(http), clientId, fields, http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/admin/apps/{Uri.EscapeDataString(clientId)}", result.Error));
        });

        write.MapPost("/apps/{clientId}/secret", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var result = await apps.RegenerateSecretAsync(Admin(http), clientId, http.RequestAborted);
            return result.Succeeded
                ? (IResult)new RazorComponentResult<AppCredentialsPage>(new { Admin = Admin(http), Credentials = result.Value! })
                : AdminHttp.SeeOther(Back("/admin/apps", result.Error));
        });

        write.MapPost("/apps/{clientId}/delete", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var result = await apps.DeleteAsync(Admin(http), clientId, http.RequestAborted);
            return AdminHttp.SeeOther(Back("/admin/apps", result.Error));
        });

        write.MapGet("/apps/{clientId}/deploy", async (string clientId, HttpContext http, AppAdministration apps, UserAdministration users, GroupAdministration groups) =>
        {
            if (await apps.GetAsync(clientId, http.RequestAborted) is not { } profile)
                return (IResult)AdminHttp.SeeOther(Back("/admin/apps", DirectoryErrors.NotFound));
            var allUsers = await users.ListAsync(null, http.RequestAborted);
            var domains = allUsers.Select(u => u.Domain).Append(DirectoryDefaults.Domain).Concat(profile.Deployment.Domains)
                .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
            return new RazorComponentResult<AppDeployPage>(new
            {
                Admin = Admin(http), Profile = profile, Domains = domains,
                OrganizationalUnits = await users.ListOrganizationalUnitsAsync(http.RequestAborted),
                Groups = await groups.ListAsync(http.RequestAborted), Users = allUsers, Error = Error(http), Notice = Notice(http),
            });
        });

        write.MapPost("/apps/{clientId}/deploy", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var form = await FormAsync(http);
            var deployment = new AppDeployment
            {
                Deployed = Checked(form, "deployed"),
                AllUsersAndGroups = Checked(form, "allUsersAndGroups"),
                AllAdministratorsMayDeploy = Checked(form, "allAdministratorsMayDeploy"),
                Domains = [.. form["domains"].OfType<string>()],
                OrganizationalUnits = [.. form["organizationalUnits"].OfType<string>()],
                GroupIds = [.. form["groupIds"].OfType<string>()],
                UserIds = [.. form["userIds"].OfType<string>()],
            };
            var result = await apps.SetDeploymentAsync(Admin(http), clientId, deployment, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back("/admin/apps", null) : Back($"/admin/apps/{Uri.EscapeDataString(clientId)}/deploy", result.Error));
        });
    }

    private static void MapSettings(RouteGroupBuilder write)
    {
        write.MapGet("/settings/web-login", async (HttpContext http, WebLoginAdministration settings) =>
            new RazorComponentResult<WebLoginPage>(new { Admin = Admin(http), Settings = await settings.GetAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapPost("/settings/web-login", async (HttpContext http, WebLoginAdministration settings) =>
        {
            var form = await FormAsync(http);
            const string back = "/admin/settings/web-login";
            var timeoutText = form["sessionTimeoutMinutes"].ToString();
            int? minutes = null;
            if (timeoutText != "off")
            {
                if (!int.TryParse(timeoutText, out var m))
                    return AdminHttp.SeeOther(Back(back, "timeout_out_of_range"));
                minutes = m;
            }
            // Validate the logo before saving anything, so one bad field leaves every setting unchanged.
            byte[]? logo = null;
            if (form.Files.GetFile("logo") is { Length: > 0 } file)
            {
                if (file.Length > WebLoginRules.MaxLogoBytes)
                    return AdminHttp.SeeOther(Back(back, "logo_too_large"));
                await using var stream = file.OpenReadStream();
                logo = await LogoUpload.ReadAsync(stream, file.Length, http.RequestAborted);
                if (logo is null || WebLoginRules.CheckLogo(logo, out _) is not null)
                    return AdminHttp.SeeOther(Back(back, logo is null ? "logo_too_large" : WebLoginRules.CheckLogo(logo, out _)));
            }
            var saved = await settings.SaveAsync(Admin(http), form["backgroundColor"].ToString(), minutes, http.RequestAborted);
            if (!saved.Succeeded)
                return AdminHttp.SeeOther(Back(back, saved.Error));
            if (logo is not null)
                await settings.SetLogoAsync(Admin(http), logo, http.RequestAborted);
            else if (Checked(form, "removeLogo"))
                await settings.RemoveLogoAsync(Admin(http), http.RequestAborted);
            return AdminHttp.SeeOther(Back(back, null));
        });
    }
}
