using Imprivata.Core.Mfa;

namespace Imprivata.Core.Policies;

/// <summary>The policy engine's answer to "what must this user do now" after the first step of a workflow.</summary>
public sealed record AuthenticationPlan
{
    public required PlanOutcome Outcome { get; init; }
    /// <summary>Why, as a stable reason code for the audit (see <see cref="PlanReasons"/>).</summary>
    public required string Reason { get; init; }
    /// <summary>For <see cref="PlanOutcome.SecondFactor"/>: the factors the user can complete now, in offered order.</summary>
    public IReadOnlyList<Factor> SecondFactors { get; init; } = [];
    /// <summary>For <see cref="PlanOutcome.Enroll"/>: what the user may enroll now.</summary>
    public IReadOnlyList<Factor> Enrollable { get; init; } = [];
    /// <summary>For <see cref="PlanOutcome.Enroll"/>: the user may skip enrolling and get in with what they did.</summary>
    public bool MayDelay { get; init; }
    public bool NumberMatching { get; init; }
    public required UserPolicy Policy { get; init; }
    public required EnrollmentRule Rule { get; init; }
}

public enum PlanOutcome
{
    /// <summary>Refuse: not licensed, unenrolled and blocked, workflow not available.</summary>
    Deny = 0,
    /// <summary>The first step was enough (workflow not live for this user, or unenrolled with password-only access).</summary>
    Allow = 1,
    /// <summary>One of <see cref="AuthenticationPlan.SecondFactors"/> must be completed.</summary>
    SecondFactor = 2,
    /// <summary>The user must (or, with MayDelay, may) enroll one of <see cref="AuthenticationPlan.Enrollable"/> first.</summary>
    Enroll = 3,
}

public static class PlanReasons
{
    public const string NotLicensed = "not_licensed";
    public const string WorkflowNotAssociated = "workflow_not_associated";
    public const string SecondFactorRequired = "second_factor_required";
    public const string UnenrolledPasswordOnly = "unenrolled_password_only";
    public const string UnenrolledBlocked = "unenrolled_blocked";
    public const string EnrollmentRequired = "enrollment_required";
    public const string NoFactorAllowed = "no_factor_allowed";
    /// <summary>The session already holds a second factor the workflow would ask for.</summary>
    public const string SecondFactorProven = "second_factor_proven";
}
