using Imprivata.Core.Policies;
using Imprivata.Functions.Access;
using static Imprivata.Functions.Tests.Access.AccessTestData;

namespace Imprivata.Functions.Tests.Access;

public sealed class SecondFactorSettledTests
{
    private readonly SecondFactorSettled _step = new();

    private async Task<AccessOutcome?> OutcomeAsync(AuthenticationPlan plan, bool offerEnrollment = false) =>
        await _step.CheckAsync(Attempt(plan: plan, offerEnrollment: offerEnrollment), default);

    [Fact]
    public async Task SecondFactorDue_StepUp() => Assert.IsType<AccessOutcome.StepUp>(await OutcomeAsync(Plan(PlanOutcome.SecondFactor)));

    [Fact]
    public async Task EnrollmentThatCannotWait_StepUp() => Assert.IsType<AccessOutcome.StepUp>(await OutcomeAsync(Plan(PlanOutcome.Enroll, mayDelay: false)));

    [Fact]
    public async Task EnrollmentThatMayWait_RightAfterThePassword_Offered() =>
        Assert.IsType<AccessOutcome.StepUp>(await OutcomeAsync(Plan(PlanOutcome.Enroll, mayDelay: true), offerEnrollment: true));

    [Fact]
    public async Task EnrollmentThatMayWait_SessionReused_Granted() =>
        Assert.IsType<AccessOutcome.Granted>(await OutcomeAsync(Plan(PlanOutcome.Enroll, mayDelay: true)));

    [Fact]
    public async Task NothingMoreDue_Granted() => Assert.IsType<AccessOutcome.Granted>(await OutcomeAsync(Plan(PlanOutcome.Allow)));

    [Fact]
    public async Task WithoutAPlan_AProgrammingError() =>
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _step.CheckAsync(Attempt(), default));
}
