using Imprivata.Core.UserDirectory;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.UserDirectory;

public sealed class GroupServiceTests
{
    private readonly TableDirectoryStore _store = new(new TableSet(Azurite.NewTables()));
    private readonly GroupService _groups;

    public GroupServiceTests() => _groups = new GroupService(_store, new GroupMembership(_store), TimeProvider.System);

    [Fact]
    public async Task AddMember_GroupIntoItsOwnDescendant_IsRejectedAsCycle()
    {
        var top = (await _groups.CreateAsync("Top", "", default)).Value!;
        var sub = (await _groups.CreateAsync("Sub", "", default)).Value!;
        Assert.True((await _groups.AddMemberAsync(new GroupMember(top.Id, MemberKind.Group, sub.Id), default)).Succeeded);
        var cycle = await _groups.AddMemberAsync(new GroupMember(sub.Id, MemberKind.Group, top.Id), default);
        Assert.Equal(DirectoryErrors.GroupCycle, cycle.Error);
        Assert.Equal(DirectoryErrors.GroupCycle, (await _groups.AddMemberAsync(new GroupMember(top.Id, MemberKind.Group, top.Id), default)).Error);
    }

    [Fact]
    public async Task AddMember_UnknownUser_IsRejected()
    {
        var group = (await _groups.CreateAsync("G", "", default)).Value!;
        var result = await _groups.AddMemberAsync(new GroupMember(group.Id, MemberKind.User, "nobody"), default);
        Assert.Equal(DirectoryErrors.MemberNotFound, result.Error);
    }

    [Fact]
    public async Task Create_NameOfAnotherGroupInOtherCase_IsRefusedAsTaken()
    {
        Assert.True((await _groups.CreateAsync("Nurses", "", default)).Succeeded);

        var again = await _groups.CreateAsync("  nURSES ", "the same people", default);

        Assert.Equal(DirectoryErrors.GroupNameTaken, again.Error);
        Assert.Single(await _store.ListGroupsAsync(default).ToListAsync());
    }

    [Fact]
    public async Task Update_RenameOntoAnotherGroupsName_IsRefused_KeepingOwnNameIsNot()
    {
        await _groups.CreateAsync("Nurses", "", default);
        var doctors = (await _groups.CreateAsync("Doctors", "", default)).Value!;

        var taken = await _groups.UpdateAsync(doctors.Id, "NURSES", "", default);
        var recased = await _groups.UpdateAsync(doctors.Id, "DOCTORS", "physicians", default);

        Assert.Equal(DirectoryErrors.GroupNameTaken, taken.Error);
        Assert.True(recased.Succeeded);
        Assert.Equal("DOCTORS", (await _store.FindGroupByIdAsync(doctors.Id, default))!.Name);
    }

    [Fact]
    public async Task Update_DuplicatesFromBeforeTheRule_CanStillBeEdited()
    {
        var first = new DirectoryGroup { Id = "g1", Name = "Pharmacy", CreatedAt = DateTimeOffset.UtcNow };
        await _store.CreateGroupAsync(first, default);
        await _store.CreateGroupAsync(first with { Id = "g2" }, default);

        var edited = await _groups.UpdateAsync("g2", "Pharmacy", "night shift", default);

        Assert.True(edited.Succeeded);
    }
}
