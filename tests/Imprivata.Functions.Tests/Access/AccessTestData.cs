using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;

namespace Imprivata.Functions.Tests.Access;

/// <summary>Users, attempts and plans for the access steps' unit tests.</summary>
internal static class AccessTestData
{
    public static readonly DirectoryUser Nurse = new() { Id = "u1", Username = "nurse", Enabled = true, LicensedForSso = true, LicensedForRemoteAccess = true };

    public static AccessAttempt Attempt(DirectoryUser? user = null, string? clientId = "app", IReadOnlyList<string>? amr = null,
        DateTimeOffset authenticatedAt = default, Freshness? freshness = null, bool offerEnrollment = false, AuthenticationPlan? plan = null) => new()
    {
        User = user ?? Nurse,
        ClientId = clientId,
        Workflow = WorkflowKind.WebSso,
        Amr = amr ?? ["pwd"],
        AuthenticatedAt = authenticatedAt,
        Freshness = freshness ?? Freshness.Any,
        OfferEnrollment = offerEnrollment,
        Plan = plan,
    };

    public static AuthenticationPlan Plan(PlanOutcome outcome, bool mayDelay = false) => new()
    {
        Outcome = outcome,
        Reason = outcome.ToString(),
        MayDelay = mayDelay,
        SecondFactors = outcome == PlanOutcome.SecondFactor ? [Factor.OtpToken] : [],
        Enrollable = outcome == PlanOutcome.Enroll ? [Factor.OtpToken] : [],
        Policy = UserPolicy.Default,
        Rule = EnrollmentRule.Default,
    };
}
