using Imprivata.Core.Audit;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;
using Imprivata.Functions.Radius.Edges;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Decides one <c>radius.authenticate</c> request, whatever transport brought it: retransmission check, client profile,
/// the edge's state (a stopped or revoked edge's requests are rejected before anything else), the answer to an earlier challenge or the first factor, then the access steps every front door runs (the policy engine
/// decides the factors), then the second factor. Each answer leaves through <see cref="RadiusAnswers"/>.
/// </summary>
public sealed class RadiusDecisions(
    RadiusRetransmissions retransmissions,
    IRadiusClientStore clients,
    RadiusFirstFactor firstFactor,
    RadiusChallenges challenges,
    RadiusSecondFactor secondFactor,
    RadiusPushes pushes,
    AcceptAttributes acceptAttributes,
    AccessSteps steps,
    PolicyEngine engine,
    IDirectoryStore directory,
    RadiusAnswers answers,
    RadiusEdgeGate edges,
    RadiusOptions options,
    TimeProvider time)
{
    public async Task HandleAsync(RadiusAuthenticate request, CancellationToken ct)
    {
        var subject = RadiusAuditSubject.Of(request);
        // Shed: the edge no longer waits, or will not by the time an answer reaches it. An answer would only be ignored, a
        // push would reach a user nobody waits for, and under overload deciding it would make the requests behind it late too.
        if (request.Deadline - options.DecisionReserve <= time.GetUtcNow())
        {
            await answers.IgnoredAsync(request.ReplyTo, subject, "deadline_passed", ct).ConfigureAwait(false);
            return;
        }
        if (request.Radius is not { } ids)
        {
            await answers.SendAsync(request.ReplyTo, await DecideAsync(request, ct).ConfigureAwait(false), subject, ct).ConfigureAwait(false);
            return;
        }

        // RFC 5080 2.2.2: the same (edge, NAS, Identifier, Request Authenticator) is one request however often it arrives.
        var claim = await retransmissions.ClaimAsync(RadiusRetransmissions.KeyOf(request.EdgeId, request.NasAddress, ids), request.RequestId, ct).ConfigureAwait(false);
        if (claim.Earlier is { } earlier)
        {
            await answers.SendAsync(request.ReplyTo, await RepeatAsync(request, earlier, ct).ConfigureAwait(false), subject, ct, repeat: true).ConfigureAwait(false);
            return;
        }
        if (claim.Exchange is not { } exchange)
        {
            await answers.IgnoredAsync(request.ReplyTo, subject, RadiusReasons.Retransmission, ct).ConfigureAwait(false);
            return;
        }
        var outcome = await DecideAsync(request, ct).ConfigureAwait(false);
        await retransmissions.RecordAsync(exchange, outcome, ct).ConfigureAwait(false);
        await answers.SendAsync(request.ReplyTo, outcome, subject, ct).ConfigureAwait(false);
    }

    private async Task<RadiusOutcome> DecideAsync(RadiusAuthenticate request, CancellationToken ct)
    {
        // Before any factor: no password is opened and no push is sent for an edge the console stopped or revoked.
        if (await edges.RefusalAsync(request.EdgeId, ct).ConfigureAwait(false) is { } refusal)
            return RadiusOutcome.Reject(refusal, RadiusTexts.EdgeStopped);
        var client = await clients.FindAsync(request.Client, ct).ConfigureAwait(false);
        if (client is null)
            return RadiusOutcome.Reject(RadiusReasons.UnknownClient, RadiusTexts.Denied);
        if (!client.Enabled)
            return RadiusOutcome.Reject(RadiusReasons.ClientDisabled, RadiusTexts.Denied);
        if (!client.AllowsNasAddress(request.NasAddress))
            return RadiusOutcome.Reject(RadiusReasons.NasAddressNotAllowed, RadiusTexts.Denied);
        return request.State is null
            ? await FirstRequestAsync(request, client, ct).ConfigureAwait(false)
            : await AnswerAsync(request, client, ct).ConfigureAwait(false);
    }

    private async Task<RadiusOutcome> FirstRequestAsync(RadiusAuthenticate request, RadiusClientProfile client, CancellationToken ct)
    {
        var first = await firstFactor.CheckAsync(request, client, ct).ConfigureAwait(false);
        // Unknown user, wrong password, disabled, not licensed: the same Access-Reject, so nobody learns which (the reason goes to the audit only).
        if (!first.Passed)
            return RadiusOutcome.Reject(first.Reason, RadiusTexts.Denied);
        if (first.User is not { } user || !user.LicensedForRemoteAccess)
        {
            // Non-licensed user access: the first factor alone, when the client allows it.
            if (!client.NonLicensedAccess)
                return RadiusOutcome.Reject(first.User is null ? AuditReasons.UnknownUser : AuditReasons.NotLicensed, RadiusTexts.Denied, first.User?.Id);
            var granted = await acceptAttributes.ForAsync(client, first.User, first.LdapGroups, ct).ConfigureAwait(false);
            return RadiusOutcome.Accept(RadiusReasons.NonLicensedAccess, granted, first.User?.Id, first.Proven);
        }

        var attributes = await acceptAttributes.ForAsync(client, user, first.LdapGroups, ct).ConfigureAwait(false);
        var attempt = new AccessAttempt
        {
            User = user,
            Workflow = WorkflowKind.RemoteAccess,
            Amr = first.Proven.Length > 0 ? ["pwd"] : [],
            AuthenticatedAt = time.GetUtcNow(),
        };
        var access = await AccessSteps.RunAsync(steps.AfterPassword, attempt, ct).ConfigureAwait(false);
        return access switch
        {
            // Enrolling can wait (the rule lets users delay) and a gateway cannot offer it: the password-only grace.
            AccessOutcome.Granted => RadiusOutcome.Accept(
                attempt.Plan is { Outcome: PlanOutcome.Enroll } ? PlanReasons.UnenrolledPasswordOnly : attempt.Plan?.Reason ?? RadiusReasons.Ok,
                attributes, user.Id, first.Proven),
            AccessOutcome.Refused refused => RadiusOutcome.Reject(refused.Refusal.Reason, RadiusTexts.Denied, user.Id, first.Proven),
            // A gateway cannot show an enrollment: a user who must enroll first is told so.
            AccessOutcome.StepUp { Plan.Outcome: PlanOutcome.Enroll } =>
                RadiusOutcome.Reject(RadiusReasons.EnrollmentRequired, RadiusTexts.EnrollFirst, user.Id, first.Proven),
            AccessOutcome.StepUp stepUp => await secondFactor.BeginAsync(new RadiusAttemptContext(request, client, user, first.Proven, attributes),
                stepUp.Plan, ct).ConfigureAwait(false),
            _ => RadiusOutcome.Reject(RadiusReasons.InvalidRequest, RadiusTexts.Denied, user.Id, first.Proven),
        };
    }

    /// <summary>A request echoing a State: the answer to that challenge, for the user and NAS it was sent to.</summary>
    private async Task<RadiusOutcome> AnswerAsync(RadiusAuthenticate request, RadiusClientProfile client, CancellationToken ct)
    {
        var (challenge, refusal) = await challenges.TakeAsync(request, ct).ConfigureAwait(false);
        if (challenge is null)
            return RadiusOutcome.Reject(refusal!, RadiusTexts.Denied);
        var user = await directory.FindUserByIdAsync(challenge.UserId, ct).ConfigureAwait(false);
        if (user is not { Enabled: true, LicensedForRemoteAccess: true })
            return RadiusOutcome.Reject(user is null ? AuditReasons.UnknownUser : user.Enabled ? AuditReasons.NotLicensed : AuditReasons.UserDisabled,
                RadiusTexts.Denied, challenge.UserId, challenge.Proven);
        // Re-planned: a policy change or an enrollment made meanwhile applies at once.
        var plan = await engine.PlanAsync(user, WorkflowKind.RemoteAccess, ct).ConfigureAwait(false);
        if (plan.Outcome != PlanOutcome.SecondFactor)
            return plan.Outcome == PlanOutcome.Allow
                ? RadiusOutcome.Accept(plan.Reason, challenge.Attributes, user.Id, challenge.Proven)
                : RadiusOutcome.Reject(plan.Outcome == PlanOutcome.Enroll ? RadiusReasons.EnrollmentRequired : plan.Reason, RadiusTexts.Denied, user.Id, challenge.Proven);
        var answer = request.Password is { } sealedPassword ? await firstFactor.OpenAsync(request, sealedPassword, ct).ConfigureAwait(false) : null;
        var attempt = new RadiusAttemptContext(request, client, user, challenge.Proven, challenge.Attributes);
        return await secondFactor.AnswerAsync(attempt, challenge, plan, answer, ct).ConfigureAwait(false);
    }

    /// <summary>A copy of a decided request gets the same answer; a copy of a held one joins the push it waits for.</summary>
    private async Task<RadiusOutcome> RepeatAsync(RadiusAuthenticate request, RadiusOutcome earlier, CancellationToken ct) =>
        earlier is { Kind: RadiusOutcomeKind.Hold, UserId: { } userId }
            ? await pushes.WaitAsync(userId, request.NasAddress, earlier.PushChallengeId, request.ReplyTo, earlier.Factors ?? "", ct).ConfigureAwait(false)
            : earlier;
}
