using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using Imprivata.Functions.Admin.Methods;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Admin;

/// <summary>Users: the list and search (helpdesk and up), add and edit (superadmin), group membership with a group picker.</summary>
public static class UserPages
{
    public static void MapUserPages(this RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet("/users", async (HttpContext http, string? q, UserAdministration users) =>
            Page<UsersPage>(new { Admin = Actor(http), Users = await users.ListAsync(q, http.RequestAborted), Query = q, Error = Error(http), Notice = Notice(http) }));

        write.MapGet("/users/new", (HttpContext http) => Page<UserNewPage>(new { Admin = Actor(http), Error = Error(http) }));

        write.MapPost("/users/new", async (HttpContext http, UserAdministration users) =>
        {
            var form = await FormAsync(http);
            var draft = Draft(form);
            var password = Text(form, "password");
            var result = Fields(form, out var fields) is { } invalid
                ? AdminResult<DirectoryUser>.Fail(invalid)
                : await users.CreateAsync(Actor(http), fields, password.Length == 0 ? null : password, http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/users/{result.Value!.Id}", null))
                : Page<UserNewPage>(new { Admin = Actor(http), Draft = draft, PasswordDropped = password.Length > 0, Error = result.Describe() }, result.FailureStatus);
        });

        read.MapGet("/users/{id}", (string id, HttpContext http, [AsParameters] UserPageServices services) =>
            EditPageAsync(http, id, services, null, Error(http), Notice(http)));

        write.MapPost("/users/{id}", async (string id, HttpContext http, [AsParameters] UserPageServices services) =>
        {
            var form = await FormAsync(http);
            var result = Fields(form, out var fields) is { } invalid
                ? AdminResult<DirectoryUser>.Fail(invalid)
                : await services.Users.UpdateAsync(Actor(http), id, fields, http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/users/{Uri.EscapeDataString(id)}", null))
                : await EditPageAsync(http, id, services, Draft(form), result.Describe(), null, result.FailureStatus);
        });

        write.MapPost("/users/{id}/password", async (string id, HttpContext http, UserAdministration users) =>
        {
            var form = await FormAsync(http);
            var result = await users.SetPasswordAsync(Actor(http), id, Text(form, "password"), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/console/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/users/{id}/groups/add", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.AddMemberAsync(Actor(http), new GroupMember(Text(form, "groupId"), MemberKind.User, id), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/console/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/users/{id}/groups/remove", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.RemoveMemberAsync(Actor(http), new GroupMember(Text(form, "groupId"), MemberKind.User, id), http.RequestAborted);
            return AdminHttp.SeeOther(Back($"/console/users/{Uri.EscapeDataString(id)}", result.Error));
        });

        write.MapPost("/users/{id}/delete", async (string id, HttpContext http, UserAdministration users) =>
        {
            var result = await users.DeleteAsync(Actor(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(result.Succeeded ? Back("/console/users", null) : Back($"/console/users/{Uri.EscapeDataString(id)}", result.Error));
        });
    }

    /// <summary>The services the user page draws on.</summary>
    public sealed record UserPageServices(UserAdministration Users, EnrolledMethodsAdministration Methods, DirectoryPicker Picker);

    /// <summary>The user page: fields (or the refused draft), group memberships with a group search, enrolled methods.</summary>
    private static async Task<IResult> EditPageAsync(HttpContext http, string id, UserPageServices services, UserFields? draft, string? error, string? notice,
        int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        if (await services.Users.GetAsync(id, ct) is not { } user)
            return AdminHttp.SeeOther(Back("/console/users", DirectoryErrors.NotFound));
        var (direct, effective) = await services.Users.GroupsOfAsync(id, ct);
        var names = await services.Picker.GroupsByIdAsync(effective, ct);
        var memberships = effective.Where(names.ContainsKey).Select(g => (names[g], direct.Contains(g)))
            .OrderBy(m => m.Item1.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var groupQuery = http.Request.Query["groupq"].ToString();
        var candidates = Actor(http).IsSuperadmin ? await services.Picker.GroupsAsync(groupQuery, [.. direct], ct) : PickerResult<DirectoryGroup>.None;
        return Page<UserEditPage>(new
        {
            Admin = Actor(http), User = user, Draft = draft, Memberships = memberships, Candidates = candidates, GroupQuery = groupQuery,
            Error = error, Notice = notice, Methods = (await services.Methods.ListAsync(id, ct)).Value ?? [],
        }, status);
    }

    private static string? Fields(IFormCollection form, out UserFields fields) =>
        new UserRequest(form["username"], form["displayName"], form["email"], form["phone"], form["domain"], form["organizationalUnit"],
            Checked(form, "enabled"), Checked(form, "licensedForSso"), Checked(form, "licensedForRemoteAccess"), form["adminRole"], null).ToFields(out fields);

    /// <summary>What was typed, for the form shown again (an unknown role shows as none).</summary>
    private static UserFields Draft(IFormCollection form) => new()
    {
        Username = Text(form, "username"),
        DisplayName = Text(form, "displayName"),
        Email = Text(form, "email"),
        Phone = Text(form, "phone"),
        Domain = Text(form, "domain"),
        OrganizationalUnit = Text(form, "organizationalUnit"),
        Enabled = Checked(form, "enabled"),
        LicensedForSso = Checked(form, "licensedForSso"),
        LicensedForRemoteAccess = Checked(form, "licensedForRemoteAccess"),
        AdminRole = AdminRoles.TryParse(Text(form, "adminRole"), out var role) ? role : AdminRole.None,
    };
}
