using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Audit;
using Imprivata.Core.Telemetry;

namespace Imprivata.Core.Mfa.Push;

/// <summary>
/// Push approval: send a challenge to the user's approver device, record the device's signed decision, expire what nobody
/// answered. Every state change is a conditional write, so racing approvals, denials, expiry and cancellation leave exactly
/// one final state; anything arriving after that is rejected and audited.
/// </summary>
public sealed class PushApproval
{
    private const int MaxWriteAttempts = 8;
    private readonly IPushChallengeStore _store;
    private readonly IEnrollmentStore _enrollments;
    private readonly IPushDeadlineScheduler _deadlines;
    private readonly PushAudit _audit;
    private readonly TimeProvider _time;
    private readonly PushOptions _options;
    private readonly SecurityMetrics? _metrics;
    private readonly IReadOnlyList<IPushOutcomeListener> _listeners;

    /// <param name="listeners">Told of every challenge that reached its final state (a RADIUS request may be waiting for it).</param>
    public PushApproval(IPushChallengeStore store, IEnrollmentStore enrollments, IPushDeadlineScheduler deadlines, IAuditLog audit,
        TimeProvider time, PushOptions options, SecurityMetrics? metrics = null, IEnumerable<IPushOutcomeListener>? listeners = null)
    {
        _metrics = metrics;
        _listeners = listeners?.ToList() ?? [];
        _store = store;
        _enrollments = enrollments;
        _deadlines = deadlines;
        _audit = new PushAudit(audit, time);
        _time = time;
        _options = options;
    }

    /// <summary>
    /// Sends a push unless the user's pushes are stopped by a fraud report or the rate limit is reached. The new challenge
    /// cancels the user's pending one. When number matching is on, show <see cref="PushSendResult.MatchNumber"/> on the login screen.
    /// </summary>
    public async Task<PushSendResult> SendAsync(PushRequest request, CancellationToken ct)
    {
        var device = await DeviceAsync(request.UserId, request.EnrollmentId, ct).ConfigureAwait(false);
        if (device is null)
        {
            await _audit.WriteAsync(AuditKinds.PushSend, AuditResults.Failure, PushReasons.NoDevice, ct, request.UserId, request.Username, request.ClientIp,
                $"app={request.AppName}").ConfigureAwait(false);
            return PushSendResult.Refused(PushReasons.NoDevice);
        }

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var state = await _store.GetUserStateAsync(request.UserId, ct).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            // Deny with "report fraud" stops pushes until an administrator clears it.
            if (state.FraudBlocked)
                return await RefuseAsync(request, PushReasons.FraudBlocked, ct).ConfigureAwait(false);
            var recent = state.RecentSends.Where(t => t > now - _options.RateLimitWindow).ToList();
            // At most 3 pushes per 5 minutes per user (MFA-fatigue defence, CISA number-matching guidance).
            if (recent.Count >= _options.RateLimitCount)
                return await RefuseAsync(request, PushReasons.RateLimited, ct).ConfigureAwait(false);

            var challenge = new PushChallenge
            {
                Id = NewChallengeId(),
                UserId = request.UserId,
                Username = request.Username,
                EnrollmentId = device.Id,
                AppName = request.AppName,
                ClientIp = request.ClientIp,
                CreatedAt = now,
                ExpiresAt = now + (request.Lifetime is { } lifetime && lifetime > TimeSpan.Zero ? lifetime : _options.ChallengeLifetime),
                // Reference 002 "Number Matching": a random 2-digit number shown by the application.
                MatchNumber = request.NumberMatching ? RandomNumberGenerator.GetInt32(10, 100) : null,
            };
            var saved = await _store.TrySaveUserStateAsync(state with
            {
                Username = request.Username.Length > 0 ? request.Username : state.Username,
                RecentSends = [.. recent, now],
                PendingChallengeId = challenge.Id,
            }, ct).ConfigureAwait(false);
            if (saved is null)
                continue; // another send or decision for this user won the row: re-read and decide again

            challenge = await _store.AddAsync(challenge, ct).ConfigureAwait(false);
            if (state.PendingChallengeId is { } previous)
                await CancelAsync(previous, ct).ConfigureAwait(false);
            await _deadlines.ScheduleAsync(challenge.Id, challenge.ExpiresAt, ct).ConfigureAwait(false);
            await _audit.ChallengeAsync(challenge, AuditKinds.PushSend, AuditResults.Success, AuditReasons.Ok, ct,
                extra: challenge.MatchNumber is null ? "number_matching=off" : "number_matching=on").ConfigureAwait(false);
            return PushSendResult.Sent(challenge);
        }
        return PushSendResult.Refused(PushReasons.Busy);
    }

    /// <summary>
    /// Records the device's decision: the signature must verify with the device key over (challenge id, decision, number);
    /// the challenge must still be pending and inside its 30 seconds. A wrong number denies the challenge and counts a failure.
    /// </summary>
    public async Task<PushDecisionResult> DecideAsync(PushDecision decision, CancellationToken ct)
    {
        var challenge = await _store.FindAsync(decision.ChallengeId, ct).ConfigureAwait(false);
        if (challenge is null)
        {
            await _audit.WriteAsync(AuditKinds.PushDecision, AuditResults.Failure, PushReasons.UnknownChallenge, ct, ip: decision.DeviceIp).ConfigureAwait(false);
            return PushDecisionResult.Rejected(PushReasons.UnknownChallenge);
        }
        var device = await _enrollments.FindAsync(challenge.UserId, challenge.EnrollmentId, ct).ConfigureAwait(false);
        if (device is not { Factor: Factor.Push, Confirmed: true, PublicKey: { } publicKey })
            return await RejectAsync(challenge, decision, PushReasons.UnknownDevice, ct).ConfigureAwait(false);
        // Approvals are bound to the challenge ID and signed by the device key.
        if (!PushSignature.Verify(publicKey, PushSignature.DecisionBytes(challenge.Id, decision.Kind, decision.EnteredNumber), decision.Signature))
            return await RejectAsync(challenge, decision, PushReasons.BadSignature, ct).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var now = _time.GetUtcNow();
            // Replayed or late approvals are rejected (and audited).
            if (!challenge.IsPending)
                return await RejectAsync(challenge, decision, PushReasons.NotPending, ct).ConfigureAwait(false);
            if (now >= challenge.ExpiresAt)
            {
                await TryFinishAsync(challenge, PushState.Expired, PushReasons.Expired, ct).ConfigureAwait(false);
                return await RejectAsync(challenge, decision, PushReasons.Expired, ct).ConfigureAwait(false);
            }

            var (state, reason) = Outcome(challenge, decision);
            var finished = await TryFinishAsync(challenge, state, reason, ct).ConfigureAwait(false);
            if (finished is null)
            {
                // Someone else changed it first (another approval, the deadline, a newer push): re-read; it is no longer pending.
                challenge = await _store.FindAsync(decision.ChallengeId, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("A push challenge disappeared while being decided.");
                continue;
            }
            await AfterDecisionAsync(finished, decision, ct).ConfigureAwait(false);
            _metrics?.PushDecided(reason, now - finished.CreatedAt);
            return PushDecisionResult.Done(finished.State, reason);
        }
        return PushDecisionResult.Rejected(PushReasons.NotPending);
    }

    /// <summary>
    /// The login page's poll. A pending challenge past its deadline is expired here too, so the outcome never depends on
    /// when the deadline message runs.
    /// </summary>
    public async Task<PushStatus?> StatusAsync(string challengeId, CancellationToken ct)
    {
        var challenge = await _store.FindAsync(challengeId, ct).ConfigureAwait(false);
        if (challenge is null)
            return null;
        if (challenge.IsPending && _time.GetUtcNow() >= challenge.ExpiresAt)
        {
            await ExpireIfPendingAsync(challengeId, ct).ConfigureAwait(false);
            challenge = await _store.FindAsync(challengeId, ct).ConfigureAwait(false) ?? challenge;
        }
        var state = challenge.EffectiveState(_time.GetUtcNow());
        return new PushStatus(challenge.Id, state, state == PushState.Expired ? challenge.Reason ?? PushReasons.Expired : challenge.Reason,
            challenge.ExpiresAt, challenge.MatchNumber);
    }

    /// <summary>The deadline: expires the challenge if it is still pending and due.</summary>
    public async Task<DeadlineOutcome> ExpireIfPendingAsync(string challengeId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var challenge = await _store.FindAsync(challengeId, ct).ConfigureAwait(false);
            if (challenge is null)
                return DeadlineOutcome.Unknown;
            if (!challenge.IsPending)
                return DeadlineOutcome.AlreadyFinal;
            if (_time.GetUtcNow() < challenge.ExpiresAt)
                return DeadlineOutcome.NotYetDue;
            if (await TryFinishAsync(challenge, PushState.Expired, PushReasons.Expired, ct).ConfigureAwait(false) is { } expired)
            {
                await _audit.ChallengeAsync(expired, AuditKinds.PushExpire, AuditResults.Failure, PushReasons.Expired, ct).ConfigureAwait(false);
                return DeadlineOutcome.Expired;
            }
        }
        return DeadlineOutcome.AlreadyFinal;
    }

    public Task<PushChallenge?> FindAsync(string challengeId, CancellationToken ct) => _store.FindAsync(challengeId, ct);

    /// <summary>What the approver device shows: the user's pending challenge for this device, if any, still inside its time.</summary>
    public async Task<IReadOnlyList<PushChallenge>> PendingForDeviceAsync(string userId, string enrollmentId, CancellationToken ct)
    {
        var state = await _store.GetUserStateAsync(userId, ct).ConfigureAwait(false);
        if (state.PendingChallengeId is not { } id || await _store.FindAsync(id, ct).ConfigureAwait(false) is not { } challenge)
            return [];
        return challenge.EffectiveState(_time.GetUtcNow()) == PushState.Pending && challenge.EnrollmentId == enrollmentId ? [challenge] : [];
    }

    public Task<PushUserState> UserStateAsync(string userId, CancellationToken ct) => _store.GetUserStateAsync(userId, ct);

    /// <summary>Users whose pushes are stopped after a fraud report (the administrator's alert list).</summary>
    public async Task<IReadOnlyList<PushUserState>> FraudBlockedAsync(CancellationToken ct)
    {
        var list = new List<PushUserState>();
        await foreach (var state in _store.ListFraudBlockedAsync(ct).ConfigureAwait(false))
            list.Add(state);
        return [.. list.OrderByDescending(s => s.FraudReportedAt)];
    }

    /// <summary>Lets pushes reach the user again; false when the user was not blocked. The caller audits with its actor.</summary>
    public async Task<bool> ClearFraudBlockAsync(string userId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var state = await _store.GetUserStateAsync(userId, ct).ConfigureAwait(false);
            if (!state.FraudBlocked)
                return false;
            var saved = await _store.TrySaveUserStateAsync(state with
            {
                FraudBlocked = false,
                FraudReportedAt = null,
                FraudChallengeId = null,
                FraudAppName = null,
                FraudClientIp = null,
                // A fresh start: the reported burst does not keep counting against the user.
                RecentSends = [],
            }, ct).ConfigureAwait(false);
            if (saved is not null)
                return true;
        }
        throw new InvalidOperationException("The user's push state kept changing while clearing the fraud block.");
    }

    private static (PushState State, string Reason) Outcome(PushChallenge challenge, PushDecision decision) => decision.Kind switch
    {
        PushDecisionKind.ReportFraud => (PushState.Denied, PushReasons.FraudReported),
        PushDecisionKind.Deny => (PushState.Denied, PushReasons.Denied),
        // Reference 002 "Number Matching": wrong number = deny (the user must begin again).
        _ when challenge.MatchNumber is { } expected && !NumberMatches(expected, decision.EnteredNumber) => (PushState.Denied, PushReasons.WrongNumber),
        _ => (PushState.Approved, PushReasons.Approved),
    };

    /// <summary>Constant-time comparison of the entered digits with the 2-digit number.</summary>
    private static bool NumberMatches(int expected, string? entered) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)),
            Encoding.ASCII.GetBytes((entered ?? "").Trim()));

    private async Task AfterDecisionAsync(PushChallenge finished, PushDecision decision, CancellationToken ct)
    {
        var kind = finished.Reason switch
        {
            PushReasons.Approved => AuditKinds.PushApprove,
            PushReasons.FraudReported => AuditKinds.PushFraudReported,
            _ => AuditKinds.PushDeny,
        };
        await _audit.ChallengeAsync(finished, kind, finished.State == PushState.Approved ? AuditResults.Success : AuditResults.Failure,
            finished.Reason ?? PushReasons.Denied, ct, decision.DeviceIp).ConfigureAwait(false);
        if (finished.State == PushState.Approved)
            await MarkDeviceUsedAsync(finished, ct).ConfigureAwait(false);
        else if (finished.Reason == PushReasons.WrongNumber)
            await UpdateUserStateAsync(finished.UserId, s => s with { WrongNumberFailures = s.WrongNumberFailures + 1, LastFailureAt = _time.GetUtcNow() }, ct).ConfigureAwait(false);
        else if (finished.Reason == PushReasons.FraudReported)
            await UpdateUserStateAsync(finished.UserId, s => s with
            {
                FraudBlocked = true,
                FraudReportedAt = _time.GetUtcNow(),
                FraudChallengeId = finished.Id,
                FraudAppName = finished.AppName,
                FraudClientIp = finished.ClientIp,
            }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// An approval is a use of the approver enrollment ("Last used" in the console and the enrolled-users report), as an
    /// accepted code is for an OTP token. The approval already stands, so a row that keeps changing under us only costs
    /// this timestamp, never the decision.
    /// </summary>
    private async Task MarkDeviceUsedAsync(PushChallenge approved, CancellationToken ct)
    {
        var at = approved.DecidedAt ?? _time.GetUtcNow();
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var device = await _enrollments.FindAsync(approved.UserId, approved.EnrollmentId, ct).ConfigureAwait(false);
            if (device is null || device.LastUsedAt >= at)
                return;
            if (await _enrollments.TryUpdateAsync(device with { LastUsedAt = at }, ct).ConfigureAwait(false) is not null)
                return;
        }
    }

    private async Task UpdateUserStateAsync(string userId, Func<PushUserState, PushUserState> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var state = await _store.GetUserStateAsync(userId, ct).ConfigureAwait(false);
            if (await _store.TrySaveUserStateAsync(change(state), ct).ConfigureAwait(false) is not null)
                return;
        }
        throw new InvalidOperationException("The user's push state kept changing.");
    }

    private async Task CancelAsync(string challengeId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var previous = await _store.FindAsync(challengeId, ct).ConfigureAwait(false);
            if (previous is null || !previous.IsPending)
                return;
            // A new push cancels the pending one.
            if (await TryFinishAsync(previous, PushState.Cancelled, PushReasons.Superseded, ct).ConfigureAwait(false) is { } cancelled)
            {
                await _audit.ChallengeAsync(cancelled, AuditKinds.PushCancel, AuditResults.Failure, PushReasons.Superseded, ct).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>The one write that ends a challenge: whoever wins it tells the listeners, so each final state is told exactly once.</summary>
    private async Task<PushChallenge?> TryFinishAsync(PushChallenge challenge, PushState state, string reason, CancellationToken ct)
    {
        var finished = await _store.TryUpdateAsync(challenge with
        {
            State = state, Reason = reason, DecidedAt = _time.GetUtcNow(), FraudReported = reason == PushReasons.FraudReported,
        }, ct).ConfigureAwait(false);
        if (finished is not null)
            foreach (var listener in _listeners)
                await listener.OnFinalAsync(finished, ct).ConfigureAwait(false);
        return finished;
    }

    private async Task<PushSendResult> RefuseAsync(PushRequest request, string reason, CancellationToken ct)
    {
        if (reason == PushReasons.RateLimited)
            _metrics?.ThrottleHeld(SecurityMetrics.Throttles.PushRate);
        await _audit.WriteAsync(AuditKinds.PushSend, AuditResults.Failure, reason, ct, request.UserId, request.Username, request.ClientIp, $"app={request.AppName}").ConfigureAwait(false);
        return PushSendResult.Refused(reason);
    }

    private async Task<PushDecisionResult> RejectAsync(PushChallenge challenge, PushDecision decision, string error, CancellationToken ct)
    {
        // "Late approvals ignored and audited": the event names what was attempted and the state it found.
        await _audit.ChallengeAsync(challenge, AuditKinds.PushDecision, AuditResults.Failure, error, ct, decision.DeviceIp,
            $"decision={decision.Kind.Name()} state={challenge.EffectiveState(_time.GetUtcNow()).Name()}").ConfigureAwait(false);
        return PushDecisionResult.Rejected(error);
    }

    private async Task<Enrollment?> DeviceAsync(string userId, string? enrollmentId, CancellationToken ct)
    {
        if (enrollmentId is not null)
        {
            var found = await _enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
            return found is { Factor: Factor.Push, Confirmed: true, PublicKey: not null } ? found : null;
        }
        var all = await _enrollments.ListAsync(userId, ct).ConfigureAwait(false);
        return all.Where(e => e is { Factor: Factor.Push, Confirmed: true, PublicKey: not null }).OrderByDescending(e => e.CreatedAt).FirstOrDefault();
    }

    private static string NewChallengeId() => Base64Url(RandomNumberGenerator.GetBytes(24));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
