namespace Imprivata.Core.Mfa;

/// <summary>Consecutive second-factor failures of one account, shared by every channel (web, RADIUS, API).</summary>
public sealed record ThrottleState(int ConsecutiveFailures, DateTimeOffset? LastFailureAt, string? Version = null);

public interface IThrottleStore
{
    Task<ThrottleState> GetAsync(string userId, CancellationToken ct);
    /// <summary>Conditional on <see cref="ThrottleState.Version"/> (null = must not exist yet); false when another writer won.</summary>
    Task<bool> TrySaveAsync(string userId, ThrottleState state, CancellationToken ct);
}

/// <summary>
/// Increasing delays after failed second factors. Only input from a user who already passed the first factor (or an
/// administrator-verified channel) is counted, so unauthenticated traffic can never lock anybody out; and every delay
/// ends by itself: a few free attempts, then doubling waits capped at <see cref="MaxDelay"/>, and at the hard cap of
/// <see cref="HardCap"/> consecutive failures (NIST SP 800-63B 5.2.2) an hour between attempts.
/// </summary>
public sealed class AccountThrottle(IThrottleStore store, TimeProvider time)
{
    public const int FreeFailures = 3;
    public const int HardCap = 100;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan HardCapDelay = TimeSpan.FromHours(1);

    /// <summary>How long the user must still wait before the next attempt; zero when they may try now.</summary>
    public async Task<TimeSpan> RetryAfterAsync(string userId, CancellationToken ct)
    {
        var state = await store.GetAsync(userId, ct).ConfigureAwait(false);
        if (state.LastFailureAt is not { } last)
            return TimeSpan.Zero;
        var wait = last + DelayAfter(state.ConsecutiveFailures) - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    public static TimeSpan DelayAfter(int failures)
    {
        if (failures >= HardCap)
            return HardCapDelay;
        if (failures < FreeFailures)
            return TimeSpan.Zero;
        var seconds = Math.Pow(2, Math.Min(failures - FreeFailures, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxDelay.TotalSeconds));
    }

    public Task RecordFailureAsync(string userId, CancellationToken ct) =>
        UpdateAsync(userId, s => new ThrottleState(Math.Min(s.ConsecutiveFailures + 1, HardCap), time.GetUtcNow(), s.Version), ct);

    public async Task RecordSuccessAsync(string userId, CancellationToken ct)
    {
        var state = await store.GetAsync(userId, ct).ConfigureAwait(false);
        if (state.ConsecutiveFailures > 0)
            await UpdateAsync(userId, s => new ThrottleState(0, null, s.Version), ct).ConfigureAwait(false);
    }

    private async Task UpdateAsync(string userId, Func<ThrottleState, ThrottleState> change, CancellationToken ct)
    {
        // Concurrent failures on several channels must all count: retry on a lost race.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var state = await store.GetAsync(userId, ct).ConfigureAwait(false);
            if (await store.TrySaveAsync(userId, change(state), ct).ConfigureAwait(false))
                return;
        }
        throw new InvalidOperationException("The failure counter is under heavy contention.");
    }
}
