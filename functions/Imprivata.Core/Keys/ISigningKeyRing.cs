namespace Imprivata.Core.Keys;

/// <summary>
/// The token-signing keys of the service, rotated by <see cref="KeyRotationPolicy"/>.
/// Implementations: the software ring in Tables (local default) and the Key Vault ring.
/// </summary>
public interface ISigningKeyRing
{
    /// <summary>The key that signs now: the newest key whose activation time has passed. Served from memory (hot path).</summary>
    Task<SigningKey> GetActiveKeyAsync(CancellationToken ct);
    /// <summary>Every key a relying party may meet: upcoming, active, and retired ones still inside their grace period.</summary>
    Task<IReadOnlyList<SigningKey>> GetPublishedKeysAsync(CancellationToken ct);
    /// <summary>Creates the first key when the ring is empty, schedules the next one, drops long-retired ones. Idempotent.</summary>
    Task<KeyRingChange> MaintainAsync(CancellationToken ct);
}

/// <param name="Problem">Something an operator must fix (a key past its lifetime that nothing replaced), else null.</param>
public sealed record KeyRingChange(bool Changed, string Summary, string? Problem = null);
