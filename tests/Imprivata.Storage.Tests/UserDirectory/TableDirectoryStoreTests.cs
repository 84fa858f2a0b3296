using Imprivata.Core.UserDirectory;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.UserDirectory;

public sealed class TableDirectoryStoreTests
{
    private readonly TableDirectoryStore _store = new(new TableSet(Azurite.NewTables()));
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static DirectoryUser User(string username, string? id = null) => new() { Id = id ?? Guid.NewGuid().ToString("N"), Username = username, OrganizationalUnit = "Clinical/Nursing" };

    [Fact]
    public async Task CreateUser_RoundTrip_KeepsEveryField()
    {
        var user = User("alice") with { Email = "a@x", AdminRole = AdminRole.Helpdesk, PasswordHash = "h", CreatedAt = DateTimeOffset.UnixEpoch.AddDays(3) };
        Assert.True(await _store.CreateUserAsync(user, Ct));
        var found = await _store.FindUserByIdAsync(user.Id, Ct);
        Assert.Equal(user, found);
    }

    [Fact]
    public async Task FindRecentUser_ChangedByAnotherInstance_SeenOnceTheRecentLifetimeHasPassed()
    {
        var tables = new TableSet(Azurite.NewTables());
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(100));
        var here = new TableDirectoryStore(tables, clock);
        var elsewhere = new TableDirectoryStore(tables, clock);
        var user = User("carol");
        await here.CreateUserAsync(user, Ct);
        Assert.True((await here.FindUserByIdAsync(user.Id, Ct))!.Enabled);

        Assert.True(await elsewhere.UpdateUserAsync(user with { Enabled = false }, Ct));

        Assert.True((await here.FindRecentUserByIdAsync(user.Id, Ct))!.Enabled);
        clock.Advance(TableDirectoryStore.RecentLifetime + TimeSpan.FromMilliseconds(1));
        Assert.False((await here.FindRecentUserByIdAsync(user.Id, Ct))!.Enabled);
        Assert.False((await here.FindUserByIdAsync(user.Id, Ct))!.Enabled);
    }

    [Fact]
    public async Task FindRecentUser_ChangedOrDeletedThroughThisInstance_SeenAtOnce()
    {
        var user = User("dave");
        await _store.CreateUserAsync(user, Ct);
        Assert.True((await _store.FindRecentUserByIdAsync(user.Id, Ct))!.Enabled);

        await _store.UpdateUserAsync(user with { Enabled = false }, Ct);
        Assert.False((await _store.FindRecentUserByIdAsync(user.Id, Ct))!.Enabled);

        await _store.DeleteUserAsync(user.Id, Ct);
        Assert.Null(await _store.FindRecentUserByIdAsync(user.Id, Ct));
    }

    [Fact]
    public async Task FindByUsername_RenamedOrReplacedOnAnotherInstance_FollowsTheIndexNotTheRememberedUser()
    {
        var tables = new TableSet(Azurite.NewTables());
        var here = new TableDirectoryStore(tables);
        var elsewhere = new TableDirectoryStore(tables);
        var erin = User("erin");
        await here.CreateUserAsync(erin, Ct);
        Assert.Equal(erin.Id, (await here.FindUserByUsernameAsync("erin", Ct))?.Id); // remembered here

        Assert.True(await elsewhere.UpdateUserAsync(erin with { Username = "erin.old" }, Ct));
        Assert.Null(await here.FindUserByUsernameAsync("erin", Ct));
        var newcomer = User("Erin");
        Assert.True(await elsewhere.CreateUserAsync(newcomer, Ct));

        Assert.Equal(newcomer.Id, (await here.FindUserByUsernameAsync("erin", Ct))?.Id);
        Assert.Equal(erin.Id, (await here.FindUserByUsernameAsync("ERIN.OLD", Ct))?.Id);
    }

    [Fact]
    public async Task CreateUser_SameNameOtherCase_IsRejected()
    {
        Assert.True(await _store.CreateUserAsync(User("Alice"), Ct));
        Assert.False(await _store.CreateUserAsync(User("aLICE"), Ct));
    }

    [Fact]
    public async Task FindUserByUsername_AnyCase_FindsTheUser()
    {
        var user = User("Bob.Smith");
        await _store.CreateUserAsync(user, Ct);
        Assert.Equal(user.Id, (await _store.FindUserByUsernameAsync("bob.smith", Ct))?.Id);
        Assert.Null(await _store.FindUserByUsernameAsync("bob", Ct));
    }

    [Fact]
    public async Task UpdateUser_Rename_FreesOldNameAndClaimsNew()
    {
        var user = User("carol");
        await _store.CreateUserAsync(user, Ct);
        Assert.True(await _store.UpdateUserAsync(user with { Username = "caroline" }, Ct));
        Assert.Null(await _store.FindUserByUsernameAsync("carol", Ct));
        Assert.Equal(user.Id, (await _store.FindUserByUsernameAsync("CAROLINE", Ct))?.Id);
        Assert.True(await _store.CreateUserAsync(User("carol"), Ct));
    }

    [Fact]
    public async Task UpdateUser_RenameToTakenName_ReturnsFalseAndKeepsBoth()
    {
        var a = User("dave");
        var b = User("erin");
        await _store.CreateUserAsync(a, Ct);
        await _store.CreateUserAsync(b, Ct);
        Assert.False(await _store.UpdateUserAsync(b with { Username = "DAVE" }, Ct));
        Assert.Equal(a.Id, (await _store.FindUserByUsernameAsync("dave", Ct))?.Id);
        Assert.Equal(b.Id, (await _store.FindUserByUsernameAsync("erin", Ct))?.Id);
    }

    [Fact]
    public async Task DeleteUser_RemovesIndexAndMemberships()
    {
        var user = User("frank");
        await _store.CreateUserAsync(user, Ct);
        await _store.CreateGroupAsync(new DirectoryGroup { Id = "g1", Name = "Nurses" }, Ct);
        await _store.AddMemberAsync(new GroupMember("g1", MemberKind.User, user.Id), Ct);
        Assert.True(await _store.DeleteUserAsync(user.Id, Ct));
        Assert.Null(await _store.FindUserByUsernameAsync("frank", Ct));
        Assert.Empty(await _store.ListMembersAsync("g1", Ct));
        Assert.Empty(await _store.ListDirectParentGroupsAsync(MemberKind.User, user.Id, Ct));
        Assert.True(await _store.CreateUserAsync(User("frank"), Ct));
    }

    [Fact]
    public async Task Membership_StoredBothWays_ListsFromEitherSide()
    {
        await _store.CreateGroupAsync(new DirectoryGroup { Id = "parent", Name = "P" }, Ct);
        await _store.CreateGroupAsync(new DirectoryGroup { Id = "child", Name = "C" }, Ct);
        await _store.AddMemberAsync(new GroupMember("parent", MemberKind.Group, "child"), Ct);
        await _store.AddMemberAsync(new GroupMember("parent", MemberKind.User, "u/1#?"), Ct);

        var members = await _store.ListMembersAsync("parent", Ct);
        Assert.Contains(new GroupMember("parent", MemberKind.Group, "child"), members);
        Assert.Contains(new GroupMember("parent", MemberKind.User, "u/1#?"), members);
        Assert.Equal(["parent"], await _store.ListDirectParentGroupsAsync(MemberKind.Group, "child", Ct));
        Assert.Equal(["parent"], await _store.ListDirectParentGroupsAsync(MemberKind.User, "u/1#?", Ct));

        await _store.RemoveMemberAsync(new GroupMember("parent", MemberKind.User, "u/1#?"), Ct);
        Assert.Empty(await _store.ListDirectParentGroupsAsync(MemberKind.User, "u/1#?", Ct));
        Assert.Single(await _store.ListMembersAsync("parent", Ct));
    }

    [Fact]
    public async Task DeleteGroup_RemovesBothDirections()
    {
        await _store.CreateGroupAsync(new DirectoryGroup { Id = "top", Name = "T" }, Ct);
        await _store.CreateGroupAsync(new DirectoryGroup { Id = "mid", Name = "M" }, Ct);
        await _store.AddMemberAsync(new GroupMember("top", MemberKind.Group, "mid"), Ct);
        await _store.AddMemberAsync(new GroupMember("mid", MemberKind.User, "u1"), Ct);
        Assert.True(await _store.DeleteGroupAsync("mid", Ct));
        Assert.Empty(await _store.ListMembersAsync("top", Ct));
        Assert.Empty(await _store.ListDirectParentGroupsAsync(MemberKind.User, "u1", Ct));
        Assert.Null(await _store.FindGroupByIdAsync("mid", Ct));
    }
}
