using Imprivata.Core.Policies;

namespace Imprivata.Functions.Access;

/// <summary>
/// The policy engine's plan for this user and workflow, given what they already proved (a session with a second factor is
/// answered without re-reading enrollments when they cannot matter): a Deny ends the attempt, any other plan goes on.
/// Planned on every attempt, so a policy that now refuses the user, or now asks for a second factor, applies at once.
/// </summary>
public sealed class PolicyAllows(PolicyEngine engine) : IAccessStep
{
    public const string Message = "Your account cannot sign in to this application.";

    public async ValueTask<AccessOutcome?> CheckAsync(AccessAttempt attempt, CancellationToken ct)
    {
        var plan = await engine.PlanAsync(attempt.User, attempt.Workflow, attempt.SecondFactorProven, ct).ConfigureAwait(false);
        attempt.Plan = plan;
        return plan.Outcome == PlanOutcome.Deny ? AccessOutcome.Refuse(RefusalKind.AccessDenied, plan.Reason, Message) : null;
    }
}
