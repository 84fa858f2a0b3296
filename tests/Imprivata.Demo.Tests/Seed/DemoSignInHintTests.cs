using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Login;
using Imprivata.Demo.Seed;

namespace Imprivata.Demo.Tests.Seed;

public class DemoSignInHintTests
{
    // As on an IP-address origin: WebAuthn registered without paths, so the login page cannot offer it.
    private static readonly LoginStepRoutes Routes = new(
    [
        new LoginStepRoute(Factor.Push, "/login/mfa/push", "/login/enroll/push"),
        new LoginStepRoute(Factor.OtpToken, "/login/mfa/otp", "/login/enroll/otp"),
        new LoginStepRoute(Factor.Sms, "/login/mfa/sms", "/login/enroll/sms"),
        new LoginStepRoute(Factor.WebAuthn, null, null),
    ], []);

    private static AuthenticationPlan Plan(PlanOutcome outcome, string reason) => new()
    {
        Outcome = outcome,
        Reason = reason,
        Policy = new UserPolicy { Id = UserPolicy.DefaultId, Name = "Default" },
        Rule = EnrollmentRule.Default,
    };

    [Fact]
    public void Describe_Unenrolled_MayDelay_OffersWhatThePageCanSetUpAndTheReminder()
    {
        var plan = Plan(PlanOutcome.Enroll, PlanReasons.EnrollmentRequired) with
        {
            Enrollable = [Factor.Push, Factor.OtpToken, Factor.Sms, Factor.WebAuthn],
            MayDelay = true,
        };

        Assert.Equal("The demo user has no second factor yet: the sign-in offers to set one up (a push approver on a phone, an authenticator app or an SMS code) or to be reminded later.",
            DemoSignInHint.Describe(plan, Routes));
    }

    [Fact]
    public void Describe_Unenrolled_MustEnroll_SaysItCannotBeSkipped()
    {
        var plan = Plan(PlanOutcome.Enroll, PlanReasons.EnrollmentRequired) with { Enrollable = [Factor.OtpToken] };

        Assert.Equal("The demo user has no second factor yet: the sign-in offers to set one up (an authenticator app); it cannot be skipped.",
            DemoSignInHint.Describe(plan, Routes));
    }

    [Fact]
    public void Describe_Enrolled_NamesTheFactorsAskedForAndNoSetUp()
    {
        var plan = Plan(PlanOutcome.SecondFactor, PlanReasons.SecondFactorRequired) with { SecondFactors = [Factor.Push, Factor.OtpToken] };

        var hint = DemoSignInHint.Describe(plan, Routes);

        Assert.Equal("After the password, the demo user's sign-in asks for a second factor they have: push approval or a one-time code.", hint);
        Assert.DoesNotContain("set", hint, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(PlanReasons.WorkflowNotAssociated, "not live for their user policy")]
    [InlineData(PlanReasons.UnenrolledPasswordOnly, "does not prompt")]
    public void Describe_PasswordAlone_SaysWhy(string reason, string why)
    {
        var hint = DemoSignInHint.Describe(Plan(PlanOutcome.Allow, reason), Routes);

        Assert.StartsWith("The demo user signs in with the password alone", hint);
        Assert.Contains(why, hint);
    }

    [Fact]
    public void Describe_Refused_SaysSoWithTheReason()
    {
        Assert.Contains("refuse the demo user's sign-ins (unenrolled_blocked)", DemoSignInHint.Describe(Plan(PlanOutcome.Deny, PlanReasons.UnenrolledBlocked), Routes));
    }
}
