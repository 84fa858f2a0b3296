using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Moq;

namespace Imprivata.Core.Tests.Apps;

public sealed class AppDeploymentRuleTests
{
    private readonly Mock<IDirectoryStore> _store = new();
    private readonly AppDeploymentRule _rule;
    private static readonly DirectoryUser Nurse = new() { Id = "u1", Username = "nurse", Domain = "corp", OrganizationalUnit = "Clinical/Nursing" };

    public AppDeploymentRuleTests()
    {
        _store.Setup(s => s.ListDirectParentGroupsAsync(It.IsAny<MemberKind>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _store.Setup(s => s.ListDirectParentGroupsAsync(MemberKind.User, "u1", It.IsAny<CancellationToken>())).ReturnsAsync(["nurses"]);
        _store.Setup(s => s.ListDirectParentGroupsAsync(MemberKind.Group, "nurses", It.IsAny<CancellationToken>())).ReturnsAsync(["clinical"]);
        _rule = new AppDeploymentRule(new GroupMembership(_store.Object));
    }

    private Task<bool> Deployed(AppDeployment d) => _rule.IsDeployedToAsync(d, Nurse, default);

    [Fact]
    public async Task NotDeployed_EvenForAllUsers_IsNo() =>
        Assert.False(await Deployed(new AppDeployment { Deployed = false, AllUsersAndGroups = true }));

    [Fact]
    public async Task AllUsersAndGroups_IsYes() =>
        Assert.True(await Deployed(new AppDeployment { Deployed = true, AllUsersAndGroups = true }));

    [Fact]
    public async Task NothingChosen_IsNo() =>
        Assert.False(await Deployed(new AppDeployment { Deployed = true }));

    [Fact]
    public async Task UsersDomainOnly_IsYesOtherDomainNo()
    {
        Assert.True(await Deployed(new AppDeployment { Deployed = true, Domains = ["CORP"] }));
        Assert.False(await Deployed(new AppDeployment { Deployed = true, Domains = ["other"] }));
    }

    [Fact]
    public async Task DomainWithTargets_UserNotTargeted_IsNo() =>
        Assert.False(await Deployed(new AppDeployment { Deployed = true, Domains = ["corp"], UserIds = ["someone-else"] }));

    [Fact]
    public async Task TargetedUserInOtherDomain_IsNo() =>
        Assert.False(await Deployed(new AppDeployment { Deployed = true, Domains = ["other"], UserIds = ["u1"] }));

    [Fact]
    public async Task UserListed_IsYes() =>
        Assert.True(await Deployed(new AppDeployment { Deployed = true, UserIds = ["u1"] }));

    [Theory]
    [InlineData("Clinical", true)]
    [InlineData("clinical/nursing", true)]
    [InlineData("Clinical/Nursing/Night", false)]
    [InlineData("Clin", false)]
    public async Task OrganizationalUnit_PrefixBySegment(string ou, bool expected) =>
        Assert.Equal(expected, await Deployed(new AppDeployment { Deployed = true, OrganizationalUnits = [ou] }));

    [Fact]
    public async Task NestedGroup_IsYes() =>
        Assert.True(await Deployed(new AppDeployment { Deployed = true, GroupIds = ["clinical"] }));

    [Fact]
    public async Task UnrelatedGroup_IsNo() =>
        Assert.False(await Deployed(new AppDeployment { Deployed = true, GroupIds = ["finance"] }));
}
