using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Moq;

namespace Imprivata.Core.Tests.Policies;

/// <summary>
/// PolicyEngine.PlanAsync for a session that already proved a second factor: the same decision as for a fresh sign-in
/// (a refusal stays a refusal, anything else is settled), reading enrollments and temporary codes only when they can matter.
/// </summary>
public sealed class PolicyEngineProvenFactorTests
{
    private static readonly DirectoryUser User = new() { Id = "u1", Username = "nurse", LicensedForSso = true, LicensedForRemoteAccess = true };
    private readonly Mock<IPolicyStore> _store = new();
    private readonly Mock<IEnrollmentStore> _enrollments = new();
    private readonly Mock<ITemporaryCodeStatus> _temporary = new();
    private readonly PolicyEngine _engine;

    public PolicyEngineProvenFactorTests()
    {
        _store.Setup(s => s.ListUserPoliciesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([UserPolicy.Default]);
        _enrollments.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _engine = new PolicyEngine(_store.Object, new UserPolicyResolver(_store.Object, new GroupMembership(Mock.Of<IDirectoryStore>())),
            _enrollments.Object, _temporary.Object);
        Configure(new EnrollmentRule { Id = EnrollmentRule.DefaultId, Name = "default" });
    }

    private void Configure(EnrollmentRule rule, bool live = true)
    {
        var workflow = new Workflow { SecondFactors = [Factor.Push, Factor.OtpToken], UserPolicyIds = live ? [UserPolicy.DefaultId] : [] };
        _store.Setup(s => s.GetWorkflowPolicyAsync(It.IsAny<CancellationToken>()))
            .ReturnsAsync(new WorkflowPolicy { WebSso = workflow, RemoteAccess = workflow, SecondFactorOnly = workflow });
        _store.Setup(s => s.ListEnrollmentRulesAsync(It.IsAny<CancellationToken>())).ReturnsAsync([rule with { Id = EnrollmentRule.DefaultId }]);
    }

    private void Enrolled(params Factor[] factors) =>
        _enrollments.Setup(s => s.ListAsync(User.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync([.. factors.Select((f, i) => new Enrollment { Id = "e" + i, UserId = User.Id, Factor = f, Confirmed = true })]);

    [Fact]
    public async Task Proven_EnrollableFactorsAtLogin_AllowedWithoutReadingEnrollmentsOrTemporaryCodes()
    {
        Enrolled(Factor.OtpToken);

        var plan = await _engine.PlanAsync(User, WorkflowKind.WebSso, secondFactorProven: true, default);

        Assert.Equal((PlanOutcome.Allow, PlanReasons.SecondFactorProven), (plan.Outcome, plan.Reason));
        _enrollments.VerifyNoOtherCalls();
        _temporary.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task NotProven_SameUser_StillAsksForTheSecondFactor()
    {
        Enrolled(Factor.OtpToken);

        var plan = await _engine.PlanAsync(User, WorkflowKind.WebSso, default);

        Assert.Equal(PlanOutcome.SecondFactor, plan.Outcome);
        Assert.Equal([Factor.OtpToken], plan.SecondFactors);
    }

    [Fact]
    public async Task Proven_BlockedUnenrolledAndNothingEnrollable_ReadsEnrollmentsAndIsDenied()
    {
        Configure(new EnrollmentRule { Id = "r", Name = "r", UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted });

        var plan = await _engine.PlanAsync(User, WorkflowKind.WebSso, secondFactorProven: true, default);

        Assert.Equal((PlanOutcome.Deny, PlanReasons.UnenrolledBlocked), (plan.Outcome, plan.Reason));
        _enrollments.Verify(s => s.ListAsync(User.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Proven_BlockedRuleButEnrolled_AllowedWithoutAskingForTemporaryCodes()
    {
        Configure(new EnrollmentRule { Id = "r", Name = "r", UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted });
        Enrolled(Factor.Push);

        var plan = await _engine.PlanAsync(User, WorkflowKind.WebSso, secondFactorProven: true, default);

        Assert.Equal(PlanOutcome.Allow, plan.Outcome);
        _temporary.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Proven_NotLicensed_StillDenied()
    {
        var plan = await _engine.PlanAsync(User with { LicensedForSso = false }, WorkflowKind.WebSso, secondFactorProven: true, default);

        Assert.Equal((PlanOutcome.Deny, PlanReasons.NotLicensed), (plan.Outcome, plan.Reason));
    }

    public static TheoryData<UnenrolledAccess, EnrollmentPrompt, bool, bool, WorkflowKind, bool> Cases()
    {
        var data = new TheoryData<UnenrolledAccess, EnrollmentPrompt, bool, bool, WorkflowKind, bool>();
        foreach (var access in Enum.GetValues<UnenrolledAccess>())
            foreach (var prompt in Enum.GetValues<EnrollmentPrompt>())
                foreach (var enrolled in new[] { false, true })
                    foreach (var temporary in new[] { false, true })
                        foreach (var kind in Enum.GetValues<WorkflowKind>())
                            foreach (var live in new[] { false, true })
                                data.Add(access, prompt, enrolled, temporary, kind, live);
        return data;
    }

    /// <summary>A proven second factor never turns a refusal into an admission, nor leaves anything else unsettled.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Proven_DecidesAsAFreshSignIn_RefusalOrSettled(UnenrolledAccess access, EnrollmentPrompt prompt, bool enrolled, bool temporary,
        WorkflowKind kind, bool live)
    {
        Configure(new EnrollmentRule { Id = "r", Name = "r", UnenrolledAccess = access, Prompt = prompt }, live);
        if (enrolled)
            Enrolled(Factor.OtpToken);
        _temporary.Setup(t => t.HasActiveCodeAsync(User, It.IsAny<CancellationToken>())).ReturnsAsync(temporary);

        var fresh = await _engine.PlanAsync(User, kind, default);
        var proven = await _engine.PlanAsync(User, kind, secondFactorProven: true, default);

        if (fresh.Outcome == PlanOutcome.Deny)
            Assert.Equal((PlanOutcome.Deny, fresh.Reason), (proven.Outcome, proven.Reason));
        else
            Assert.Equal(PlanOutcome.Allow, proven.Outcome);
    }
}
