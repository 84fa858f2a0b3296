using Imprivata.Core.Policies;

namespace Imprivata.Functions.Access;

/// <summary>
/// The last step: grant, or step up when the plan still asks for a second factor, or for an enrollment that cannot be
/// postponed (one that can is offered only right after a password: <see cref="AccessAttempt.OfferEnrollment"/>). A session
/// that already proved a second factor has a settled plan (<see cref="PolicyEngine.PlanAsync(Core.UserDirectory.DirectoryUser, WorkflowKind, bool, CancellationToken)"/>).
/// </summary>
public sealed class SecondFactorSettled : IAccessStep
{
    public ValueTask<AccessOutcome?> CheckAsync(AccessAttempt attempt, CancellationToken ct)
    {
        var plan = attempt.Plan ?? throw new InvalidOperationException($"{nameof(PolicyAllows)} must run before {nameof(SecondFactorSettled)}.");
        var stepUp = plan.Outcome == PlanOutcome.SecondFactor
            || (plan.Outcome == PlanOutcome.Enroll && (!plan.MayDelay || attempt.OfferEnrollment));
        return new(stepUp ? new AccessOutcome.StepUp(plan) : new AccessOutcome.Granted());
    }
}
