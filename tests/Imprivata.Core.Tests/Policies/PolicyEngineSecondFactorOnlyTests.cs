using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Moq;

namespace Imprivata.Core.Tests.Policies;

/// <summary>PolicyEngine.PlanAsync for the Second factor only workflow (Entra ID's external method).</summary>
public sealed class PolicyEngineSecondFactorOnlyTests
{
    private readonly Mock<IPolicyStore> _store = new();
    private readonly Mock<IEnrollmentStore> _enrollments = new();
    private readonly PolicyEngine _engine;

    public PolicyEngineSecondFactorOnlyTests()
    {
        _store.Setup(s => s.ListUserPoliciesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([UserPolicy.Default]);
        _store.Setup(s => s.GetWorkflowPolicyAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new WorkflowPolicy
        {
            SecondFactorOnly = new Workflow { SecondFactors = [Factor.OtpToken], UserPolicyIds = [UserPolicy.DefaultId] },
        });
        _store.Setup(s => s.ListEnrollmentRulesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([EnrollmentRule.Default]);
        _enrollments.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([new Enrollment { Id = "e1", UserId = "u1", Factor = Factor.OtpToken, Confirmed = true }]);
        _engine = new PolicyEngine(_store.Object, new UserPolicyResolver(_store.Object, new GroupMembership(Mock.Of<IDirectoryStore>())),
            _enrollments.Object, Mock.Of<ITemporaryCodeStatus>());
    }

    [Fact]
    public async Task LicensedForSso_Enrolled_AsksForTheSecondFactor()
    {
        var plan = await _engine.PlanAsync(new DirectoryUser { Id = "u1", Username = "nurse", LicensedForSso = true }, WorkflowKind.SecondFactorOnly, default);

        Assert.Equal(PlanOutcome.SecondFactor, plan.Outcome);
        Assert.Equal([Factor.OtpToken], plan.SecondFactors);
    }

    [Fact]
    public async Task NotLicensedForSso_Denied()
    {
        var plan = await _engine.PlanAsync(new DirectoryUser { Id = "u1", Username = "nurse", LicensedForSso = false }, WorkflowKind.SecondFactorOnly, default);

        Assert.Equal((PlanOutcome.Deny, PlanReasons.NotLicensed), (plan.Outcome, plan.Reason));
    }
}
