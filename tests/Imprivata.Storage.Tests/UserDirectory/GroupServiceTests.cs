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
}
