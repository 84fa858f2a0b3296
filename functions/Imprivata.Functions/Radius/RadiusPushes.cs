using Imprivata.Core.Mfa.Push;
using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius;

/// <summary>A push under way for a RADIUS sign-in, or the outcome that already settles the request.</summary>
public sealed record RadiusPushStart(RadiusPushWait? Wait, RadiusOutcome? Settled);

/// <summary>
/// Push approval for RADIUS: exactly one push per user and NAS, however often the gateway retransmits or fails over between
/// edges. The (user, NAS) row in <see cref="IRadiusPushWaitStore"/> says whether a push is out; a request joins it as a
/// waiter instead of sending another. When <see cref="PushApproval"/> ends the challenge (approved, denied, expired, replaced),
/// <see cref="OnFinalAsync"/> turns the row final, then sends the decision to every waiter.
/// </summary>
public sealed partial class RadiusPushes(
    IRadiusPushWaitStore store,
    IServiceProvider services,
    RadiusAnswers answers,
    TimeProvider time,
    ILogger<RadiusPushes> logger) : IPushOutcomeListener
{
    private const int Attempts = 16;
    /// <summary>A row still "sending" after this is left by an instance that stopped: the next request sends anew.</summary>
    private static readonly TimeSpan SendGrace = TimeSpan.FromSeconds(10);
    /// <summary>The hold outlasts the push's deadline by the time the deadline queue takes to expire it and the answer to travel.</summary>
    public static readonly TimeSpan HoldMargin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SendingPoll = TimeSpan.FromMilliseconds(100);

    // PushApproval tells this listener of outcomes, so it is resolved on use rather than injected (a construction cycle).
    private PushApproval Push => services.GetRequiredService<PushApproval>();

    /// <summary>
    /// Makes sure a push is out for this user at this NAS (sending one when none is) and, with <paramref name="waiter"/>, adds
    /// the request to those waiting for its outcome. Without a waiter (number matching shows the number first) it returns once
    /// the push is out, with its number.
    /// </summary>
    public async Task<RadiusPushStart> StartAsync(RadiusAttemptContext attempt, bool numberMatching, RadiusReplyTo? waiter, CancellationToken ct)
    {
        var userId = attempt.User.Id;
        var nas = attempt.Request.NasAddress;
        for (var i = 0; i < Attempts; i++)
        {
            var now = time.GetUtcNow();
            var row = await store.FindAsync(userId, nas, ct).ConfigureAwait(false);
            if (row is { IsFinal: false } && now < row.ExpiresAt)
            {
                if (row.State == RadiusPushWaitState.Sending && waiter is null)
                {
                    // Another request is sending the push; its number is not known yet.
                    await Task.Delay(SendingPoll, time, ct).ConfigureAwait(false);
                    continue;
                }
                var joined = waiter is null ? row : await JoinAsync(row, waiter, ct).ConfigureAwait(false);
                if (joined is not null)
                    return new(joined, null);
                continue;
            }

            var sending = new RadiusPushWait
            {
                UserId = userId,
                NasAddress = nas,
                Username = attempt.Request.UserName!,
                ClientName = attempt.Client.Name,
                NasName = attempt.Request.Nas?.Name ?? "",
                State = RadiusPushWaitState.Sending,
                UpdatedAt = now,
                ExpiresAt = now + SendGrace,
                Attributes = attempt.Attributes,
                Proven = attempt.Proven,
                Waiters = waiter is null ? [] : [waiter],
                Version = row?.Version,
            };
            var claimed = await store.TrySaveAsync(sending, ct).ConfigureAwait(false);
            if (claimed is null)
                continue; // another request started or changed it: read again
            return await SendAsync(claimed, attempt, numberMatching, waiter, ct).ConfigureAwait(false);
        }
        return new(null, RadiusOutcome.Reject(PushReasons.Busy, RadiusTexts.Denied, userId, attempt.Proven));
    }

    /// <summary>
    /// The request answering a number-matching challenge: accepted if the push was approved, held until it is decided, else
    /// rejected with the push's reason.
    /// </summary>
    public async Task<RadiusOutcome> WaitAsync(string userId, string nasAddress, string? challengeId, RadiusReplyTo waiter, string proven, CancellationToken ct)
    {
        for (var i = 0; i < Attempts; i++)
        {
            var row = await store.FindAsync(userId, nasAddress, ct).ConfigureAwait(false);
            // The row moved on to a newer push (or was purged): the one this request waited for is no longer its to take.
            if (row is null || (challengeId is not null && row.ChallengeId != challengeId))
                return RadiusOutcome.Reject("push_" + PushReasons.Superseded, RadiusTexts.Denied, userId, proven);
            if (row.IsFinal)
                return OutcomeOf(row);
            if (time.GetUtcNow() >= row.ExpiresAt && row.ChallengeId is { } due)
            {
                // Past its deadline and nobody told us yet (the deadline message may lag): settle it here.
                await Push.StatusAsync(due, ct).ConfigureAwait(false);
                continue;
            }
            if (await JoinAsync(row, waiter, ct).ConfigureAwait(false) is { } joined)
                return HoldFor(joined);
        }
        return RadiusOutcome.Reject(PushReasons.Busy, RadiusTexts.Denied, userId, proven);
    }

    /// <summary>The Hold that keeps a waiting request open until the push is decided.</summary>
    public RadiusOutcome HoldFor(RadiusPushWait wait) => new()
    {
        Kind = RadiusOutcomeKind.Hold,
        Reason = RadiusReasons.PushPending,
        HoldUntil = wait.ExpiresAt + HoldMargin,
        PushChallengeId = wait.ChallengeId,
        UserId = wait.UserId,
        Factors = wait.Proven,
    };

    public async Task OnFinalAsync(PushChallenge challenge, CancellationToken ct)
    {
        // The approver's request may end while the answers go out: they must go out anyway.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            foreach (var row in await store.FindByChallengeAsync(challenge.UserId, challenge.Id, bounded.Token).ConfigureAwait(false))
                await SettleAsync(row, challenge, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The push's outcome stands; the waiting requests then end at the edge's deadline without an answer.
            LogSettleFailed(e, challenge.Id);
        }
    }

    private async Task<RadiusPushStart> SendAsync(RadiusPushWait claimed, RadiusAttemptContext attempt, bool numberMatching, RadiusReplyTo? waiter, CancellationToken ct)
    {
        var sent = await Push.SendAsync(new PushRequest
        {
            UserId = attempt.User.Id,
            Username = attempt.User.Username,
            AppName = attempt.Client.Name,
            ClientIp = CallingStation(attempt.Request),
            NumberMatching = numberMatching,
            Lifetime = attempt.Client.PushTimeout,
        }, ct).ConfigureAwait(false);
        var current = claimed;
        for (var i = 0; i < Attempts; i++)
        {
            var next = sent.Succeeded
                ? current with
                {
                    State = RadiusPushWaitState.Pending, ChallengeId = sent.Challenge!.Id, MatchNumber = sent.MatchNumber,
                    ExpiresAt = sent.Challenge.ExpiresAt, UpdatedAt = time.GetUtcNow(),
                }
                : current with { State = RadiusPushWaitState.Failed, Reason = sent.Refusal, UpdatedAt = time.GetUtcNow() };
            if (await store.TrySaveAsync(next, ct).ConfigureAwait(false) is { } saved)
            {
                if (!sent.Succeeded)
                {
                    // Refused (rate limit, fraud stop, no device): every request that joined meanwhile gets the same answer.
                    await AnswerWaitersAsync(saved, except: waiter, ct).ConfigureAwait(false);
                    return new(null, OutcomeOf(saved));
                }
                // Decided before this row named it? Then the listener found nothing to settle: settle it now.
                if (await Push.FindAsync(saved.ChallengeId!, ct).ConfigureAwait(false) is { IsPending: false } decided)
                {
                    await SettleAsync(saved, decided, ct).ConfigureAwait(false);
                    return new(null, OutcomeOf(await store.FindAsync(saved.UserId, saved.NasAddress, ct).ConfigureAwait(false) ?? saved));
                }
                return new(saved, null);
            }
            // Requests joined while the push was being sent: keep them.
            current = await store.FindAsync(claimed.UserId, claimed.NasAddress, ct).ConfigureAwait(false) ?? claimed with { Version = null };
        }
        throw new InvalidOperationException("The push wait row kept changing while the push was sent.");
    }

    private async Task<RadiusPushWait?> JoinAsync(RadiusPushWait row, RadiusReplyTo waiter, CancellationToken ct)
    {
        if (row.Waiters.Contains(waiter))
            return row;
        // Bounded: a gateway retransmitting for 30 s through a failing bridge adds a few dozen at most.
        var waiters = row.Waiters.Count >= RadiusPushWait.MaxWaiters ? row.Waiters.Skip(1) : row.Waiters;
        return await store.TrySaveAsync(row with { Waiters = [.. waiters, waiter] }, ct).ConfigureAwait(false);
    }

    private async Task SettleAsync(RadiusPushWait row, PushChallenge challenge, CancellationToken ct)
    {
        var current = row;
        for (var i = 0; i < Attempts && current is { IsFinal: false } && current.ChallengeId == challenge.Id; i++)
        {
            var final = current with
            {
                State = challenge.State == PushState.Approved ? RadiusPushWaitState.Approved : RadiusPushWaitState.Failed,
                Reason = challenge.State == PushState.Approved ? RadiusReasons.PushApproved : "push_" + (challenge.Reason ?? challenge.State.Name()),
                UpdatedAt = time.GetUtcNow(),
            };
            if (await store.TrySaveAsync(final, ct).ConfigureAwait(false) is { } saved)
            {
                await AnswerWaitersAsync(saved, except: null, ct).ConfigureAwait(false);
                return;
            }
            current = await store.FindAsync(row.UserId, row.NasAddress, ct).ConfigureAwait(false);
        }
    }

    private async Task AnswerWaitersAsync(RadiusPushWait final, RadiusReplyTo? except, CancellationToken ct)
    {
        var outcome = OutcomeOf(final);
        var subject = new RadiusAuditSubject(final.Username, final.ClientName, final.NasName, final.NasAddress);
        foreach (var waiter in final.Waiters.Where(w => w != except))
            await answers.SendAsync(waiter, outcome, subject, ct).ConfigureAwait(false);
    }

    private static RadiusOutcome OutcomeOf(RadiusPushWait final)
    {
        var factors = (final.Proven + " push").Trim();
        if (final.State == RadiusPushWaitState.Approved)
            return RadiusOutcome.Accept(RadiusReasons.PushApproved, final.Attributes, final.UserId, factors);
        var message = final.Reason switch
        {
            "push_" + PushReasons.Denied or "push_" + PushReasons.FraudReported or "push_" + PushReasons.WrongNumber => RadiusTexts.PushDenied,
            "push_" + PushReasons.Expired => RadiusTexts.PushExpired,
            _ => RadiusTexts.Denied,
        };
        return RadiusOutcome.Reject(final.Reason ?? RadiusReasons.PushPending, message, final.UserId, factors);
    }

    /// <summary>What the approver shows as where the sign-in comes from: the user's address as the gateway reports it, else the gateway's.</summary>
    private static string CallingStation(RadiusAuthenticate request) =>
        request.Attributes?.FirstOrDefault(a => a.Name == "Calling-Station-Id")?.Value is { Length: > 0 and <= 64 } station
            ? station
            : request.NasAddress;

    [LoggerMessage(Level = LogLevel.Error, Message = "The RADIUS requests waiting for push {ChallengeId} could not be answered")]
    private partial void LogSettleFailed(Exception exception, string challengeId);
}
