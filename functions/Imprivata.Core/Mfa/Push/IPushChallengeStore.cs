namespace Imprivata.Core.Mfa.Push;

/// <summary>Push challenges (one row each) and per-user push state; every write is conditional on the version read.</summary>
public interface IPushChallengeStore
{
    /// <summary>Inserts a new challenge; returns it with its Version.</summary>
    Task<PushChallenge> AddAsync(PushChallenge challenge, CancellationToken ct);

    Task<PushChallenge?> FindAsync(string challengeId, CancellationToken ct);

    /// <summary>
    /// Replaces the challenge only if it is unchanged since it was read (its Version); returns the stored copy, or null when
    /// another writer changed it first. This is what makes exactly one final state win.
    /// </summary>
    Task<PushChallenge?> TryUpdateAsync(PushChallenge challenge, CancellationToken ct);

    /// <summary>The user's push state, or a fresh one (Version null) when none was saved.</summary>
    Task<PushUserState> GetUserStateAsync(string userId, CancellationToken ct);

    /// <summary>Inserts (Version null) or replaces (Version matches) the user's state; null when another writer won.</summary>
    Task<PushUserState?> TrySaveUserStateAsync(PushUserState state, CancellationToken ct);

    /// <summary>Users whose pushes are stopped by a fraud report. Scans; admin paths only.</summary>
    IAsyncEnumerable<PushUserState> ListFraudBlockedAsync(CancellationToken ct);
}

/// <summary>Schedules the deadline message that expires a challenge still pending at its ExpiresAt.</summary>
public interface IPushDeadlineScheduler
{
    Task ScheduleAsync(string challengeId, DateTimeOffset dueAt, CancellationToken ct);
}

/// <summary>Nonces of device-signed API requests, remembered until their timestamp leaves the accepted window.</summary>
public interface IDeviceNonceStore
{
    /// <summary>True the first time a (device, nonce) pair is seen; false for a replay.</summary>
    Task<bool> TryUseAsync(string enrollmentId, string nonce, DateTimeOffset forgetAfter, CancellationToken ct);

    /// <summary>Deletes nonces whose window ended before <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// Told once when a challenge reaches its final state (approved, denied, expired, cancelled), by the writer that won the
/// conditional write: a front door that keeps a request open for the push (RADIUS) answers it here. Implementations handle
/// their own failures: the push's outcome already stands.
/// </summary>
public interface IPushOutcomeListener
{
    Task OnFinalAsync(PushChallenge challenge, CancellationToken ct);
}
