using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Login;

namespace Imprivata.Demo.Seed;

/// <summary>
/// What run.sh tells the person trying the demo about the demo user's next Web SSO sign-in, from the policy engine's plan
/// at start: the same plan the login page follows, so the hint holds after the user set up a factor or an administrator
/// changed the policies. Only methods the login page can offer here are named (no WebAuthn on an IP-address origin).
/// </summary>
public static class DemoSignInHint
{
    public static string Describe(AuthenticationPlan plan, LoginStepRoutes routes) => plan.Outcome switch
    {
        PlanOutcome.SecondFactor =>
            $"After the password, the demo user's sign-in asks for a second factor they have: {Either(plan.SecondFactors.Where(f => routes.LoginPathOf(f) is not null), enrolling: false)}.",
        PlanOutcome.Enroll when plan.Enrollable.Where(f => routes.EnrollPathOf(f) is not null).ToList() is { Count: > 0 } enrollable =>
            $"The demo user has no second factor yet: the sign-in offers to set one up ({Either(enrollable, enrolling: true)})" +
            (plan.MayDelay ? " or to be reminded later." : "; it cannot be skipped."),
        PlanOutcome.Enroll =>
            "The demo user has no second factor yet and must set one up, but none the policy allows can be set up here: change the enrollment rule in the admin console.",
        PlanOutcome.Allow when plan.Reason == PlanReasons.WorkflowNotAssociated =>
            "The demo user signs in with the password alone: Web SSO's second factors are not live for their user policy.",
        PlanOutcome.Allow =>
            "The demo user signs in with the password alone: no second factor is set up and the enrollment rule does not prompt for one.",
        _ => $"The current policies refuse the demo user's sign-ins ({plan.Reason}): see Policies in the admin console.",
    };

    private static string Either(IEnumerable<Factor> factors, bool enrolling)
    {
        var names = factors.Select(f => Name(f, enrolling)).ToList();
        return names.Count switch
        {
            0 => "none that this page can offer",
            1 => names[0],
            _ => string.Join(", ", names[..^1]) + " or " + names[^1],
        };
    }

    private static string Name(Factor factor, bool enrolling) => factor switch
    {
        // Enrolled, the OTP-token factor is also served by the code the push approver shows.
        Factor.OtpToken => enrolling ? "an authenticator app" : "a one-time code",
        Factor.Push => enrolling ? "a push approver on a phone" : "push approval",
        Factor.Sms => "an SMS code",
        Factor.Email => "an e-mail code",
        Factor.WebAuthn => "a security key or passkey",
        Factor.TemporaryCode => "a helpdesk temporary code",
        _ => factor.DisplayName(),
    };
}
