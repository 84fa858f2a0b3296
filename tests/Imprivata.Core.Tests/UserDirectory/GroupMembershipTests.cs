using Imprivata.Core.UserDirectory;
using Moq;

namespace Imprivata.Core.Tests.UserDirectory;

public sealed class GroupMembershipTests
{
    private readonly Mock<IDirectoryStore> _store = new();

    private void Parents(MemberKind kind, string id, params string[] groups) =>
        _store.Setup(s => s.ListDirectParentGroupsAsync(kind, id, It.IsAny<CancellationToken>())).ReturnsAsync(groups);

    public GroupMembershipTests() =>
        _store.Setup(s => s.ListDirectParentGroupsAsync(It.IsAny<MemberKind>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);

    [Fact]
    public async Task EffectiveGroups_Nested_IncludesAncestors()
    {
        Parents(MemberKind.User, "u", "nurses");
        Parents(MemberKind.Group, "nurses", "clinical");
        Parents(MemberKind.Group, "clinical", "staff");
        var groups = await new GroupMembership(_store.Object).EffectiveGroupsOfUserAsync("u", default);
        Assert.Equal(["clinical", "nurses", "staff"], groups.Order());
    }

    [Fact]
    public async Task EffectiveGroups_Cycle_Terminates()
    {
        Parents(MemberKind.User, "u", "a");
        Parents(MemberKind.Group, "a", "b");
        Parents(MemberKind.Group, "b", "a");
        var groups = await new GroupMembership(_store.Object).EffectiveGroupsOfUserAsync("u", default);
        Assert.Equal(["a", "b"], groups.Order());
    }

    [Fact]
    public async Task EffectiveGroups_DeeperThanLimit_StopsAtLimit()
    {
        Parents(MemberKind.User, "u", "g0");
        for (var i = 0; i < 40; i++)
            Parents(MemberKind.Group, "g" + i, "g" + (i + 1));
        var groups = await new GroupMembership(_store.Object).EffectiveGroupsOfUserAsync("u", default);
        Assert.Equal(GroupMembership.MaxDepth, groups.Count);
    }
}
