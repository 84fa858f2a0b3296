using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;
using Moq;
using static Imprivata.Functions.Tests.Access.AccessTestData;

namespace Imprivata.Functions.Tests.Access;

public sealed class UserMayUseAppTests
{
    private readonly Mock<IAppProfileStore> _profiles = new();
    private readonly UserMayUseApp _step;

    public UserMayUseAppTests()
    {
        Deployed(new AppDeployment { Deployed = true, AllUsersAndGroups = true });
        _step = new UserMayUseApp(new AppAccess(_profiles.Object, new AppDeploymentRule(new GroupMembership(Mock.Of<IDirectoryStore>()))));
    }

    private void Deployed(AppDeployment deployment) => _profiles.Setup(p => p.FindAsync("app", It.IsAny<CancellationToken>()))
        .ReturnsAsync(new AppProfile { ClientId = "app", Protocol = AppProtocols.OpenIdConnect, AdminName = "App", DisplayName = "App", Deployment = deployment });

    private static void AssertRefused(AccessOutcome? outcome, string reason)
    {
        var refused = Assert.IsType<AccessOutcome.Refused>(outcome);
        Assert.Equal((RefusalKind.AccessDenied, reason, UserMayUseApp.Message), (refused.Refusal.Kind, refused.Refusal.Reason, refused.Refusal.Message));
    }

    [Fact]
    public async Task EnabledLicensedDeployed_GoesOn() => Assert.Null(await _step.CheckAsync(Attempt(), default));

    [Fact]
    public async Task Disabled_Refused() => AssertRefused(await _step.CheckAsync(Attempt(Nurse with { Enabled = false }), default), AuditReasons.UserDisabled);

    [Fact]
    public async Task NotLicensedForSso_Refused() => AssertRefused(await _step.CheckAsync(Attempt(Nurse with { LicensedForSso = false }), default), AuditReasons.NotLicensed);

    [Fact]
    public async Task AppNotDeployed_Refused()
    {
        Deployed(new AppDeployment { Deployed = false, AllUsersAndGroups = true });
        AssertRefused(await _step.CheckAsync(Attempt(), default), AuditReasons.NotDeployed);
    }

    [Fact]
    public async Task UnknownApp_Refused() => AssertRefused(await _step.CheckAsync(Attempt(clientId: "gone"), default), AuditReasons.NotDeployed);

    [Fact]
    public async Task NoApp_NothingToCheck()
    {
        Assert.Null(await _step.CheckAsync(Attempt(clientId: null), default));
        _profiles.VerifyNoOtherCalls();
    }
}
