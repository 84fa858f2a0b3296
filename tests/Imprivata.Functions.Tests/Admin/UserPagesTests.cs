using System.Net;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Users > Add user / user page: a refused form comes back as typed (never the password); group picker by search.</summary>
public sealed class UserPagesTests : SignedInSuperadmin
{
    private IDirectoryStore Directory => Host.App.Services.GetRequiredService<IDirectoryStore>();

    [Fact]
    public async Task AddUser_Refused_FormShownAgainAsTyped_WithoutThePassword()
    {
        var response = await Root.PostFormAsync("/console/users/new", ("username", "ann smith"), ("displayName", "Ann Smith"), ("email", "ann@example.org"),
            ("phone", "+15550100"), ("domain", "corp"), ("organizationalUnit", "Clinical/Nursing"), ("licensedForRemoteAccess", "true"),
            ("adminRole", "Helpdesk"), ("password", "my secret passphrase"));

        var page = await RefusedPageAsync(response);
        Assert.Contains(Html(AdminMessages.Describe(DirectoryErrors.UsernameInvalid)), page);
        foreach (var typed in new[] { "ann smith", "Ann Smith", "ann@example.org", "+15550100", "corp", "Clinical/Nursing" })
            Assert.Contains($"value=\"{Html(typed)}\"", page);
        Assert.Contains("name=\"licensedForRemoteAccess\" value=\"true\" checked", page);
        Assert.DoesNotContain("name=\"enabled\" value=\"true\" checked", page); // left unticked, shown unticked
        Assert.Contains("<option value=\"Helpdesk\" selected", page);
        Assert.DoesNotContain("my secret passphrase", page);
        Assert.Contains("type it again", page);
    }

    [Fact]
    public async Task AddUser_TakenName_409WithTheFormAsTyped()
    {
        await Host.CreateUserAsync("taken");

        var page = await RefusedPageAsync(await Root.PostFormAsync("/console/users/new", ("username", "TAKEN"), ("displayName", "Someone Else"), ("domain", "local")),
            HttpStatusCode.Conflict);

        Assert.Contains("value=\"Someone Else\"", page);
        Assert.Contains(Html(AdminMessages.Describe(DirectoryErrors.UsernameTaken)), page);
    }

    [Theory]
    [InlineData("O'Brien")]
    [InlineData("anna+lab@example.org")]
    [InlineData("José.Núñez")]
    public async Task AddUser_UsernamesPeopleHave_Accepted(string username)
    {
        var response = await Root.PostFormAsync("/console/users/new", ("username", username), ("domain", "local"), ("enabled", "true"));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var user = await Directory.FindUserByUsernameAsync(username, default);
        Assert.NotNull(user);
        Assert.Contains(Html("User " + username), await Root.Http.GetStringAsync($"/console/users/{user!.Id}"));
    }

    [Fact]
    public async Task EditUser_Refused_ShowsWhatWasTyped_NotTheSavedValues()
    {
        var nurse = await Host.CreateUserAsync("nurse");

        var page = await RefusedPageAsync(await Root.PostFormAsync($"/console/users/{nurse.Id}", ("username", "nurse/joy"), ("displayName", "Joy Typed"), ("domain", "local")));

        Assert.Contains("value=\"nurse/joy\"", page);
        Assert.Contains("value=\"Joy Typed\"", page);
        Assert.Equal("nurse", (await Directory.FindUserByIdAsync(nurse.Id, default))!.Username);
    }

    [Fact]
    public async Task UserPage_GroupPicker_SearchesByName_ShowsFirstMatchesOnly_AddsFromTheResults()
    {
        var nurse = await Host.CreateUserAsync("nurse");
        var groups = Host.App.Services.GetRequiredService<GroupService>();
        for (var i = 0; i < DirectoryPicker.Limit + 5; i++)
            await groups.CreateAsync($"Ward {i:00}", "", default);
        var pharmacy = (await groups.CreateAsync("Pharmacy", "", default)).Value!;

        var unfiltered = await Root.Http.GetStringAsync($"/console/users/{nurse.Id}");
        var searched = await Root.Http.GetStringAsync($"/console/users/{nurse.Id}?groupq=pharm");
        var added = await Root.PostFormAsync($"/console/users/{nurse.Id}/groups/add", ("groupId", pharmacy.Id));

        Assert.Equal(DirectoryPicker.Limit, CountOf(unfiltered, "Add to this group"));
        Assert.Contains("search to narrow the list", unfiltered);
        Assert.Equal(1, CountOf(searched, "Add to this group"));
        Assert.Contains("<span>Pharmacy</span>", searched);
        Assert.Equal(HttpStatusCode.SeeOther, added.StatusCode);
        Assert.Contains(pharmacy.Id, await Directory.ListDirectParentGroupsAsync(MemberKind.User, nurse.Id, default));
    }

    internal static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
