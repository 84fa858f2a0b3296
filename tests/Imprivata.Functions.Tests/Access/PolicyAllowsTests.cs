using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;
using Moq;
using static Imprivata.Functions.Tests.Access.AccessTestData;

namespace Imprivata.Functions.Tests.Access;

public sealed class PolicyAllowsTests
{
    private readonly Mock<IPolicyStore> _store = new();
    private readonly Mock<IEnrollmentStore> _enrollments = new();
    private readonly PolicyAllows _step;

    public PolicyAllowsTests()
    {
        _store.Setup(s => s.ListUserPoliciesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([UserPolicy.Default]);
        _store.Setup(s => s.ListEnrollmentRulesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([EnrollmentRule.Default]);
        _enrollments.Setup(s => s.ListAsync(Nurse.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new Enrollment { Id = "e", UserId = Nurse.Id, Factor = Factor.OtpToken, Confirmed = true }]);
        Live([Factor.OtpToken]);
        _step = new PolicyAllows(new PolicyEngine(_store.Object, new UserPolicyResolver(_store.Object, new GroupMembership(Mock.Of<IDirectoryStore>())),
            _enrollments.Object, Mock.Of<ITemporaryCodeStatus>()));
    }

    private void Live(IReadOnlyList<Factor> factors) => _store.Setup(s => s.GetWorkflowPolicyAsync(It.IsAny<CancellationToken>()))
        .ReturnsAsync(new WorkflowPolicy { WebSso = new Workflow { SecondFactors = factors, UserPolicyIds = [UserPolicy.DefaultId] } });

    [Fact]
    public async Task PlanAsksForASecondFactor_GoesOnWithThePlan()
    {
        var attempt = Attempt();
        Assert.Null(await _step.CheckAsync(attempt, default));
        Assert.Equal(PlanOutcome.SecondFactor, attempt.Plan?.Outcome);
    }

    [Fact]
    public async Task PlanDenies_RefusedWithThePlansReason()
    {
        Live([]);
        var refused = Assert.IsType<AccessOutcome.Refused>(await _step.CheckAsync(Attempt(), default));
        Assert.Equal((RefusalKind.AccessDenied, PlanReasons.NoFactorAllowed, PolicyAllows.Message), (refused.Refusal.Kind, refused.Refusal.Reason, refused.Refusal.Message));
    }

    [Fact]
    public async Task SessionWithMfa_SettledWithoutReadingEnrollments()
    {
        var attempt = Attempt(amr: ["pwd", "otp", FactorAmr.Mfa]);
        Assert.Null(await _step.CheckAsync(attempt, default));
        Assert.Equal((PlanOutcome.Allow, PlanReasons.SecondFactorProven), (attempt.Plan!.Outcome, attempt.Plan.Reason));
        _enrollments.Verify(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
