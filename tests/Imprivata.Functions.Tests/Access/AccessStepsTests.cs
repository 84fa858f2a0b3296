using Imprivata.Functions.Access;
using Moq;
using static Imprivata.Functions.Tests.Access.AccessTestData;

namespace Imprivata.Functions.Tests.Access;

public sealed class AccessStepsTests
{
    private static Mock<IAccessStep> Step(AccessOutcome? outcome)
    {
        var step = new Mock<IAccessStep>();
        step.Setup(s => s.CheckAsync(It.IsAny<AccessAttempt>(), It.IsAny<CancellationToken>())).ReturnsAsync(outcome);
        return step;
    }

    [Fact]
    public async Task FirstStepThatDecides_Wins_LaterStepsNeverAsked()
    {
        var passes = Step(null);
        var refuses = Step(AccessOutcome.Refuse(RefusalKind.AccessDenied, "app_not_deployed", "no"));
        var later = Step(new AccessOutcome.Granted());

        var outcome = await AccessSteps.RunAsync([passes.Object, refuses.Object, later.Object], Attempt(), default);

        Assert.Equal("app_not_deployed", Assert.IsType<AccessOutcome.Refused>(outcome).Refusal.Reason);
        later.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task NoStepDecides_AProgrammingError() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => AccessSteps.RunAsync([Step(null).Object], Attempt(), default));

    [Fact]
    public void Lists_InTheirOrder()
    {
        var steps = new AccessSteps(new FreshEnough(TimeProvider.System), new UserMayUseApp(null!), new PolicyAllows(null!), new SecondFactorSettled());

        Assert.Equal([typeof(FreshEnough), typeof(UserMayUseApp), typeof(PolicyAllows), typeof(SecondFactorSettled)], steps.SessionForApp.Select(s => s.GetType()));
        Assert.Equal([typeof(PolicyAllows), typeof(SecondFactorSettled)], steps.AfterPassword.Select(s => s.GetType()));
    }
}
