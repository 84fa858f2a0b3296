using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;

namespace Imprivata.Core.Policies;

/// <summary>Does the user hold an unexpired, unrevoked temporary code? Implemented by the temporary-code service.</summary>
public interface ITemporaryCodeStatus
{
    Task<bool> HasActiveCodeAsync(DirectoryUser user, CancellationToken ct);
}

/// <summary>
/// The one place that decides which factors a user needs: user policy -> workflow -> allowed and enrolled methods ->
/// enrollment rule. Web SSO, the Entra second-factor provider and RADIUS all ask <see cref="PlanAsync"/>.
/// </summary>
public sealed class PolicyEngine(IPolicyStore store, UserPolicyResolver resolver, IEnrollmentStore enrollments, ITemporaryCodeStatus temporaryCodes)
{
    /// <summary>What this user must do after the first step of <paramref name="kind"/> (nothing proven beyond it yet).</summary>
    public Task<AuthenticationPlan> PlanAsync(DirectoryUser user, WorkflowKind kind, CancellationToken ct) =>
        PlanAsync(user, kind, secondFactorProven: false, ct);

    /// <summary>
    /// The same decision for a user who already proved a second factor in this session (amr "mfa"): any plan asking for a
    /// second factor or an enrollment is then settled, so the answer is <see cref="PlanOutcome.Allow"/>
    /// (<see cref="PlanReasons.SecondFactorProven"/>) unless it is a refusal. Enrollments and temporary codes are read only
    /// when they could turn the answer into a refusal (no enrollable factor, unenrolled users blocked): every SSO
    /// authorization of an MFA session asks this, and those reads are what it would cost.
    /// </summary>
    public async Task<AuthenticationPlan> PlanAsync(DirectoryUser user, WorkflowKind kind, bool secondFactorProven, CancellationToken ct)
    {
        var workflowPolicy = await store.GetWorkflowPolicyAsync(ct).ConfigureAwait(false);
        var policy = await resolver.ResolveAsync(user, ct).ConfigureAwait(false);
        var rules = await store.ListEnrollmentRulesAsync(ct).ConfigureAwait(false);
        var rule = rules.FirstOrDefault(r => r.Id == policy.EnrollmentRuleId)
            ?? rules.FirstOrDefault(r => r.Id == EnrollmentRule.DefaultId)
            ?? EnrollmentRule.Default;
        var options = workflowPolicy.Options;
        AuthenticationPlan Plan(PlanOutcome outcome, string reason) =>
            new() { Outcome = outcome, Reason = reason, Policy = policy, Rule = rule, NumberMatching = options.NumberMatching };

        if (kind == WorkflowKind.RemoteAccess && !user.LicensedForRemoteAccess)
            return Plan(PlanOutcome.Deny, PlanReasons.NotLicensed);
        // Second factor only is Web SSO's external method: its users must be licensed for SSO too.
        if ((kind is WorkflowKind.WebSso or WorkflowKind.SecondFactorOnly) && !user.LicensedForSso)
            return Plan(PlanOutcome.Deny, PlanReasons.NotLicensed);

        var workflow = workflowPolicy.For(kind);
        if (!workflow.UserPolicyIds.Contains(policy.Id, StringComparer.Ordinal))
        {
            // Not live for this user yet (phased rollout): the first step stands alone, except that second-factor-only
            // has no first step to stand on.
            return Plan(kind == WorkflowKind.SecondFactorOnly ? PlanOutcome.Deny : PlanOutcome.Allow, PlanReasons.WorkflowNotAssociated);
        }

        var allowed = AllowedFactors(workflow, options);
        if (allowed.Count == 0)
            return Plan(PlanOutcome.Deny, PlanReasons.NoFactorAllowed);

        var enrollable = rule.Prompt == EnrollmentPrompt.AtLogin
            ? rule.EnrollableFactors.Where(allowed.Contains).Where(f => f.IsEnrollable()).ToList()
            : [];
        var passwordOnly = rule.UnenrolledAccess == UnenrolledAccess.PasswordOnly && kind != WorkflowKind.SecondFactorOnly;
        // Whatever the reads below find, the outcome is then SecondFactor, Enroll or Allow: all settled by a proven factor.
        if (secondFactorProven && (enrollable.Count > 0 || passwordOnly))
            return Plan(PlanOutcome.Allow, PlanReasons.SecondFactorProven);

        var temporaryAllowed = kind == WorkflowKind.RemoteAccess || options.TemporaryCodesForWebSso;
        // Without a proven factor both reads are needed: made side by side, one storage latency instead of two (every
        // RADIUS first request and web sign-in asks this).
        var hasTemporaryCode = temporaryAllowed && !secondFactorProven ? temporaryCodes.HasActiveCodeAsync(user, ct) : null;
        var enrolled = (await enrollments.ListAsync(user.Id, ct).ConfigureAwait(false))
            .Where(e => e.Confirmed)
            .SelectMany(ProvidedFactors)
            .ToHashSet();
        var available = allowed.Where(enrolled.Contains).ToList();
        if (secondFactorProven && available.Count > 0)
            return Plan(PlanOutcome.Allow, PlanReasons.SecondFactorProven);
        if (temporaryAllowed && await (hasTemporaryCode ?? temporaryCodes.HasActiveCodeAsync(user, ct)).ConfigureAwait(false))
            available.Add(Factor.TemporaryCode);
        if (available.Count > 0)
        {
            return secondFactorProven
                ? Plan(PlanOutcome.Allow, PlanReasons.SecondFactorProven)
                : Plan(PlanOutcome.SecondFactor, PlanReasons.SecondFactorRequired) with { SecondFactors = available };
        }
        if (enrollable.Count > 0)
        {
            return Plan(PlanOutcome.Enroll, PlanReasons.EnrollmentRequired) with
            {
                Enrollable = enrollable,
                MayDelay = passwordOnly && rule.MayDelay,
            };
        }
        return passwordOnly
            ? Plan(PlanOutcome.Allow, PlanReasons.UnenrolledPasswordOnly)
            : Plan(PlanOutcome.Deny, PlanReasons.UnenrolledBlocked);
    }

    /// <summary>The workflow's second factors that count: never the password, e-mail only when the administrator accepted it.</summary>
    public static List<Factor> AllowedFactors(Workflow workflow, AuthenticationOptions options) =>
        workflow.SecondFactors
            .Where(f => f != Factor.Password && (f != Factor.Email || options.EmailCodesCountAsMfa))
            .Distinct()
            .ToList();

    /// <summary>An approver device also shows a token code, so it serves the OTP-token factor as well as push.</summary>
    public static IEnumerable<Factor> ProvidedFactors(Enrollment e) =>
        e.Factor == Factor.Push && e.Secret is { Length: > 0 } ? [Factor.Push, Factor.OtpToken] : [e.Factor];
}
