namespace Imprivata.Core.Mfa.Codes;

public enum CodeState
{
    Active = 0,
    Used = 1,
    /// <summary>Voided by too many wrong entries (a resend replaces the row instead).</summary>
    Void = 2,
}

/// <summary>
/// The one live code of a user for a channel and purpose. Only a keyed hash of the code is kept; <see cref="CodeId"/>
/// is fresh for every issue and is bound into the hash, so a resend voids the previous code even if digits repeat.
/// </summary>
public sealed record StoredCode
{
    public required string UserId { get; init; }
    public required CodeChannel Channel { get; init; }
    public required CodePurpose Purpose { get; init; }
    public required string CodeId { get; init; }
    public required byte[] Hash { get; init; }
    public required string Destination { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public int Attempts { get; init; }
    public CodeState State { get; init; }
    /// <summary>Optimistic-concurrency version set by the store.</summary>
    public string? Version { get; init; }
}

/// <summary>Live codes, one row per user, channel and purpose.</summary>
public interface IOneTimeCodeStore
{
    Task<StoredCode?> FindAsync(string userId, CodeChannel channel, CodePurpose purpose, CancellationToken ct);
    /// <summary>Writes the code over whatever was there (a resend voids the previous code).</summary>
    Task PutAsync(StoredCode code, CancellationToken ct);
    /// <summary>Replaces the code only if unchanged since read; null when another writer won (a code used twice at once: one wins).</summary>
    Task<StoredCode?> TryUpdateAsync(StoredCode code, CancellationToken ct);
    /// <summary>Deletes codes that expired before <paramref name="before"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>
/// Sliding-window send counter. Each send takes a slot; the slot is refused when <c>limit</c> slots already exist in the
/// window ending now. Safe under concurrency: racing senders never get more than <c>limit</c> slots between them (in a
/// full race all of them may be refused: each counts the others' slots before they are given back).
/// </summary>
public interface ICodeSendLog
{
    /// <summary>Returns the slot id, or null when the limit is reached (the refused attempt leaves no slot behind).</summary>
    Task<string?> TryAcquireAsync(string key, DateTimeOffset now, TimeSpan window, int limit, CancellationToken ct);
    Task ReleaseAsync(string key, string slotId, CancellationToken ct);
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>The HMAC key under which codes are hashed; kept apart from the data it protects.</summary>
public interface ICodeHashKey
{
    ValueTask<byte[]> GetAsync(CancellationToken ct);
}
