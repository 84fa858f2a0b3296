namespace Imprivata.Core.Mfa;

/// <summary>Consecutive failures of one account of one kind (second factors, or passwords), shared by every channel (web, RADIUS, API).</summary>
public sealed record ThrottleState(int ConsecutiveFailures, DateTimeOffset? LastFailureAt, string? Version = null);

public interface IThrottleStore
{
    Task<ThrottleState> GetAsync(string userId, CancellationToken ct);
    /// <summary>Conditional on <see cref="ThrottleState.Version"/> (null = must not exist yet); the new version, or null when
    /// another writer won.</summary>
    Task<string?> TrySaveAsync(string userId, ThrottleState state, CancellationToken ct);
}

/// <summary>
/// One attempt asked for under <see cref="AccountThrottle.ReserveAsync"/>: granted (and already counted as a failure), or
/// refused because the account must wait (<see cref="Wait"/>), or because other attempts kept winning the write
/// (<see cref="Contended"/>: try again in a moment).
/// </summary>
public sealed record AttemptReservation(bool Granted, TimeSpan Wait, ThrottleState Counted)
{
    public bool Contended => !Granted && Wait == TimeSpan.Zero;
}

/// <summary>
/// How one kind of failure is throttled: a few free attempts, then doubling waits from one second capped at
/// <see cref="MaxDelay"/>, and at <see cref="AccountThrottle.HardCap"/> consecutive failures (NIST SP 800-63B 5.2.2) an
/// hour between attempts. Every delay ends by itself: nothing here locks an account for good.
/// </summary>
public sealed record ThrottleRules(int FreeFailures, TimeSpan MaxDelay)
{
    /// <summary>Second factors: counted only after the first factor passed, so three free attempts are enough.</summary>
    public static readonly ThrottleRules SecondFactor = new(AccountThrottle.FreeFailures, AccountThrottle.MaxDelay);

    /// <summary>
    /// Passwords: anybody who knows a username can fail them, so an attacker's wrong guesses also slow the real user
    /// down. Five free attempts absorb typing errors; the waits then stop online guessing without locking anyone out.
    /// </summary>
    public static readonly ThrottleRules Password = new(5, TimeSpan.FromMinutes(15));

    public TimeSpan DelayAfter(int failures)
    {
        if (failures >= AccountThrottle.HardCap)
            return AccountThrottle.HardCapDelay;
        if (failures < FreeFailures)
            return TimeSpan.Zero;
        var seconds = Math.Pow(2, Math.Min(failures - FreeFailures, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
    }
}

/// <summary>
/// Increasing delays after consecutive failures of one account, under <see cref="ThrottleRules"/> (second factors unless
/// told otherwise). Second-factor failures are only counted from a user who already passed the first factor (or an
/// administrator-verified channel), so unauthenticated traffic can never lock anybody out of that step.
/// </summary>
public sealed class AccountThrottle(IThrottleStore store, TimeProvider time, ThrottleRules? rules = null)
{
    public const int FreeFailures = 3;
    public const int HardCap = 100;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan HardCapDelay = TimeSpan.FromHours(1);

    private readonly ThrottleRules _rules = rules ?? ThrottleRules.SecondFactor;

    public Task<ThrottleState> GetAsync(string userId, CancellationToken ct) => store.GetAsync(userId, ct);

    /// <summary>How long the user must still wait before the next attempt; zero when they may try now.</summary>
    public async Task<TimeSpan> RetryAfterAsync(string userId, CancellationToken ct) =>
        RetryAfter(await store.GetAsync(userId, ct).ConfigureAwait(false));

    /// <summary>The wait left under a state already read (<see cref="GetAsync"/>).</summary>
    public TimeSpan RetryAfter(ThrottleState state)
    {
        if (state.LastFailureAt is not { } last)
            return TimeSpan.Zero;
        var wait = last + _rules.DelayAfter(state.ConsecutiveFailures) - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>Conditional writes lost to concurrent ones before an attempt is refused as contended.</summary>
    public const int MaxWriteTries = 8;

    /// <summary>
    /// Reserves one attempt before its secret is checked, by counting it as a failure now, in one ETag-conditional write
    /// (NIST SP 800-63B 5.2.2: the limit must hold for parallel guesses too). Each granted attempt raises the count, so
    /// parallel attempts are granted one by one only while the rules allow no wait; the rest see the wait and are refused.
    /// A success then clears the count (<see cref="RecordSuccessAsync(string, AttemptReservation, CancellationToken)"/>);
    /// a failure needs nothing more.
    /// </summary>
    public async Task<AttemptReservation> ReserveAsync(string userId, CancellationToken ct)
    {
        var state = await store.GetAsync(userId, ct).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxWriteTries; attempt++)
        {
            var wait = RetryAfter(state);
            if (wait > TimeSpan.Zero)
                return new AttemptReservation(false, wait, state);
            var counted = new ThrottleState(Math.Min(state.ConsecutiveFailures + 1, HardCap), time.GetUtcNow(), state.Version);
            if (await store.TrySaveAsync(userId, counted, ct).ConfigureAwait(false) is { } version)
                return new AttemptReservation(true, TimeSpan.Zero, counted with { Version = version });
            state = await store.GetAsync(userId, ct).ConfigureAwait(false);
        }
        return new AttemptReservation(false, TimeSpan.Zero, state);
    }

    /// <summary>
    /// Counts one attempt whose answer is already known but not yet used (the secret was checked while
    /// <paramref name="state"/> was read), in one ETag-conditional write: a failure adds one, a success clears the count.
    /// A write lost to a concurrent attempt re-reads and re-checks the wait, so parallel guesses get no more answers than
    /// serial ones (as with <see cref="ReserveAsync"/>), and a success costs one write instead of a reservation and a clear.
    /// Refused (the answer must not be used) when the account must wait or every write lost.
    /// </summary>
    public async Task<AttemptReservation> SettleAsync(string userId, ThrottleState state, bool succeeded, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteTries; attempt++)
        {
            var wait = RetryAfter(state);
            if (wait > TimeSpan.Zero)
                return new AttemptReservation(false, wait, state);
            var next = succeeded
                ? new ThrottleState(0, null, state.Version)
                : new ThrottleState(Math.Min(state.ConsecutiveFailures + 1, HardCap), time.GetUtcNow(), state.Version);
            if (await store.TrySaveAsync(userId, next, ct).ConfigureAwait(false) is { } version)
                return new AttemptReservation(true, TimeSpan.Zero, next with { Version = version });
            state = await store.GetAsync(userId, ct).ConfigureAwait(false);
        }
        return new AttemptReservation(false, TimeSpan.Zero, state);
    }

    /// <summary>Clears the count after a reserved attempt succeeded.</summary>
    public Task RecordSuccessAsync(string userId, AttemptReservation reservation, CancellationToken ct) =>
        RecordSuccessAsync(userId, reservation.Counted, ct);

    /// <summary>Counts a failure that was no guess at a secret (a denied push); false when contention kept it from being written.</summary>
    public Task<bool> RecordFailureAsync(string userId, CancellationToken ct) =>
        UpdateAsync(userId, s => new ThrottleState(Math.Min(s.ConsecutiveFailures + 1, HardCap), time.GetUtcNow(), s.Version), ct);

    public async Task RecordSuccessAsync(string userId, CancellationToken ct) =>
        await RecordSuccessAsync(userId, await store.GetAsync(userId, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>Clears the count after a success, given the state read before it: no storage call when nothing was counted.</summary>
    public async Task RecordSuccessAsync(string userId, ThrottleState known, CancellationToken ct)
    {
        if (known.ConsecutiveFailures == 0)
            return;
        if (await store.TrySaveAsync(userId, new ThrottleState(0, null, known.Version), ct).ConfigureAwait(false) is null)
            await UpdateAsync(userId, s => s.ConsecutiveFailures == 0 ? null : new ThrottleState(0, null, s.Version), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Retries a lost race a bounded number of times (concurrent writes on several channels must all count); a change of
    /// null means nothing is left to write. False when every try lost: contention is answered, never thrown.
    /// </summary>
    private async Task<bool> UpdateAsync(string userId, Func<ThrottleState, ThrottleState?> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteTries; attempt++)
        {
            var state = await store.GetAsync(userId, ct).ConfigureAwait(false);
            if (change(state) is not { } next || await store.TrySaveAsync(userId, next, ct).ConfigureAwait(false) is not null)
                return true;
        }
        return false;
    }
}
