using System.Net;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Groups: names unique regardless of case, refusals shown with what was typed, members added from a search.</summary>
public sealed class GroupPagesTests : SignedInSuperadmin
{
    private IDirectoryStore Directory => Host.App.Services.GetRequiredService<IDirectoryStore>();

    [Fact]
    public async Task AddGroup_NameTakenInAnotherCase_409_ClearMessage_TypedValuesKept()
    {
        Assert.Equal(HttpStatusCode.SeeOther, (await Root.PostFormAsync("/console/groups", ("name", "Nurses"))).StatusCode);

        var page = await RefusedPageAsync(await Root.PostFormAsync("/console/groups", ("name", "NURSES"), ("description", "night shift")), HttpStatusCode.Conflict);

        Assert.Contains(Html(AdminMessages.Describe(DirectoryErrors.GroupNameTaken)), page);
        Assert.Contains("value=\"NURSES\"", page);
        Assert.Contains("value=\"night shift\"", page);
        Assert.Single(await Directory.ListGroupsAsync(default).ToListAsync());
    }

    [Fact]
    public async Task RenameGroup_OntoAnotherName_Refused_FormShowsTheTypedName()
    {
        await Root.PostFormAsync("/console/groups", ("name", "Nurses"));
        var doctors = (await Root.PostFormAsync("/console/groups", ("name", "Doctors"))).Headers.Location!.OriginalString.Split('/', '?')[3];

        var page = await RefusedPageAsync(await Root.PostFormAsync($"/console/groups/{doctors}", ("name", "nurses"), ("description", "")), HttpStatusCode.Conflict);

        Assert.Contains("value=\"nurses\"", page);
        Assert.Equal("Doctors", (await Directory.FindGroupByIdAsync(doctors, default))!.Name);
    }

    [Fact]
    public async Task Members_SearchFindsUsersAndGroups_LimitedList_AddFromResult()
    {
        var groups = Host.App.Services.GetRequiredService<GroupService>();
        var ward = (await groups.CreateAsync("Ward 3", "", default)).Value!;
        await groups.CreateAsync("Wardens", "", default);
        for (var i = 0; i < DirectoryPicker.Limit + 10; i++)
            await Host.CreateUserAsync($"tech{i:00}");
        var joy = await Host.CreateUserAsync("nurse.joy");

        var all = await Root.Http.GetStringAsync($"/console/groups/{ward.Id}");
        var found = await Root.Http.GetStringAsync($"/console/groups/{ward.Id}?q=joy");
        var wardens = await Root.Http.GetStringAsync($"/console/groups/{ward.Id}?q=ward");
        var added = await Root.PostFormAsync($"/console/groups/{ward.Id}/members/add", ("kind", "user"), ("id", joy.Id));
        var after = await Root.Http.GetStringAsync($"/console/groups/{ward.Id}");

        Assert.Equal(DirectoryPicker.Limit, UserPagesTests.CountOf(all, "name=\"kind\" value=\"user\""));
        Assert.Contains("search to narrow the list", all);
        Assert.Contains("<span>nurse.joy</span>", found);
        Assert.Equal(1, UserPagesTests.CountOf(found, "name=\"kind\" value=\"user\""));
        Assert.Contains("<span>Wardens</span>", wardens);
        Assert.DoesNotContain("<span>Ward 3</span>", wardens); // not inside itself
        Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        Assert.Contains($"href=\"/console/users/{joy.Id}\">nurse.joy</a>", after);
    }

    [Fact]
    public async Task AddMember_WithoutAChoice_SaysWhatIsMissing()
    {
        var ward = (await Host.App.Services.GetRequiredService<GroupService>().CreateAsync("Ward 3", "", default)).Value!;

        var response = await Root.PostFormAsync($"/console/groups/{ward.Id}/members/add", ("kind", "user"), ("id", ""));
        var page = await Root.Http.GetStringAsync(response.Headers.Location!.OriginalString);

        Assert.Contains(Html(AdminMessages.Describe("member_missing")), page);
    }
}
