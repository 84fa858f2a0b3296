using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

public sealed class DirectoryPickerTests : IAsyncLifetime
{
    private AdminHost _host = default!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private DirectoryPicker Picker => _host.App.Services.GetRequiredService<DirectoryPicker>();

    [Fact]
    public async Task Users_ExactThenPrefixThenContains_ByUsernameOrDisplayName()
    {
        await _host.App.Services.GetRequiredService<DirectoryService>().CreateUserAsync(new UserFields { Username = "zed", DisplayName = "Ann Lee" }, null, default);
        await _host.CreateUserAsync("joann");
        await _host.CreateUserAsync("annabel");
        await _host.CreateUserAsync("ann");
        await _host.CreateUserAsync("bob");

        var found = await Picker.UsersAsync(" ANN ", [], default);

        Assert.Equal(["ann", "annabel", "zed", "joann"], found.Found.Select(u => u.Username));
        Assert.False(found.More);
    }

    [Fact]
    public async Task Users_MoreThanTheLimit_FirstOnes_SaysThereIsMore_LeavesOutExcluded()
    {
        var first = await _host.CreateUserAsync("user00");
        for (var i = 1; i <= DirectoryPicker.Limit + 1; i++)
            await _host.CreateUserAsync($"user{i:00}");

        var found = await Picker.UsersAsync("user", [first.Id], default);

        Assert.Equal(DirectoryPicker.Limit, found.Found.Count);
        Assert.True(found.More);
        Assert.DoesNotContain(found.Found, u => u.Id == first.Id);
        Assert.Equal("user01", found.Found[0].Username);
    }

    [Fact]
    public async Task Groups_ByName_AndByIdForTheChosenOnes()
    {
        var groups = _host.App.Services.GetRequiredService<GroupService>();
        var nurses = (await groups.CreateAsync("Nurses", "", default)).Value!;
        await groups.CreateAsync("Night nurses", "", default);
        await groups.CreateAsync("Doctors", "", default);

        var found = await Picker.GroupsAsync("nurse", [], default);
        var byId = await Picker.GroupsByIdAsync([nurses.Id, "gone"], default);

        Assert.Equal(["Nurses", "Night nurses"], found.Found.Select(g => g.Name));
        Assert.Equal(["Nurses"], byId.Values.Select(g => g.Name));
    }
}
