using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Admin;

/// <summary>Groups: the list (helpdesk and up), add, rename, delete and members (superadmin) with a user and group picker.</summary>
public static class GroupPages
{
    public static void MapGroupPages(this RouteGroupBuilder read, RouteGroupBuilder write)
    {
        read.MapGet("/groups", async (HttpContext http, GroupAdministration groups) =>
            Page<GroupsPage>(new { Admin = Actor(http), Groups = await groups.ListAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapPost("/groups", async (HttpContext http, GroupAdministration groups) =>
        {
            var form = await FormAsync(http);
            var result = await groups.CreateAsync(Actor(http), Text(form, "name"), Text(form, "description"), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/groups/{result.Value!.Id}", null))
                : Page<GroupsPage>(new
                {
                    Admin = Actor(http), Groups = await groups.ListAsync(http.RequestAborted), Error = result.Describe(),
                    DraftName = Text(form, "name"), DraftDescription = Text(form, "description"),
                }, result.FailureStatus);
        });

        read.MapGet("/groups/{id}", (string id, HttpContext http, GroupAdministration groups, DirectoryPicker picker) =>
            EditPageAsync(http, id, groups, picker, null, Error(http), Notice(http)));

        write.MapPost("/groups/{id}", async (string id, HttpContext http, GroupAdministration groups, DirectoryPicker picker) =>
        {
            var form = await FormAsync(http);
            var result = await groups.UpdateAsync(Actor(http), id, Text(form, "name"), Text(form, "description"), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/groups/{Uri.EscapeDataString(id)}", null))
                : await EditPageAsync(http, id, groups, picker, (Text(form, "name"), Text(form, "description")), result.Describe(), null, result.FailureStatus);
        });

        write.MapPost("/groups/{id}/members/add", (string id, HttpContext http, GroupAdministration groups) => ChangeMember(id, http, groups, add: true));
        write.MapPost("/groups/{id}/members/remove", (string id, HttpContext http, GroupAdministration groups) => ChangeMember(id, http, groups, add: false));

        write.MapPost("/groups/{id}/delete", async (string id, HttpContext http, GroupAdministration groups) =>
        {
            var result = await groups.DeleteAsync(Actor(http), id, http.RequestAborted);
            return AdminHttp.SeeOther(Back("/console/groups", result.Error));
        });
    }

    /// <summary>The group page: name and description (or the refused draft), members by name, and the member search.</summary>
    private static async Task<IResult> EditPageAsync(HttpContext http, string id, GroupAdministration groups, DirectoryPicker picker,
        (string Name, string Description)? draft, string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        if (await groups.GetAsync(id, ct) is not { } group)
            return AdminHttp.SeeOther(Back("/console/groups", DirectoryErrors.NotFound));
        var members = await groups.MembersAsync(id, ct);
        var memberUsers = members.Where(m => m.Kind == MemberKind.User).Select(m => m.MemberId).ToList();
        var memberGroups = members.Where(m => m.Kind == MemberKind.Group).Select(m => m.MemberId).ToList();
        var query = http.Request.Query["q"].ToString();
        var superadmin = Actor(http).IsSuperadmin;
        return Page<GroupEditPage>(new
        {
            Admin = Actor(http), Group = draft is { } d ? group with { Name = d.Name, Description = d.Description } : group, Members = members,
            UserNames = (await picker.UsersByIdAsync(memberUsers, ct)).ToDictionary(p => p.Key, p => p.Value.Username),
            GroupNames = (await picker.GroupsByIdAsync(memberGroups, ct)).ToDictionary(p => p.Key, p => p.Value.Name),
            Query = query,
            UserCandidates = superadmin ? await picker.UsersAsync(query, memberUsers, ct) : PickerResult<DirectoryUser>.None,
            GroupCandidates = superadmin ? await picker.GroupsAsync(query, [.. memberGroups, id], ct) : PickerResult<DirectoryGroup>.None,
            Error = error, Notice = notice,
        }, status);
    }

    private static async Task<IResult> ChangeMember(string id, HttpContext http, GroupAdministration groups, bool add)
    {
        var form = await FormAsync(http);
        var back = $"/console/groups/{Uri.EscapeDataString(id)}";
        if (!AdminApi.TryKind(form["kind"], out var kind) || string.IsNullOrEmpty(form["id"]))
            return AdminHttp.SeeOther(Back(back, "member_missing"));
        var member = new GroupMember(id, kind, Text(form, "id"));
        var result = add ? await groups.AddMemberAsync(Actor(http), member, http.RequestAborted) : await groups.RemoveMemberAsync(Actor(http), member, http.RequestAborted);
        return AdminHttp.SeeOther(Back(back, result.Error));
    }
}
