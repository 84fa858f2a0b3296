namespace Imprivata.Core.Mfa;

/// <summary>
/// One enrolled authenticator of a user: an OTP token, an approver device, a phone or e-mail address for codes, or a
/// WebAuthn credential. Method-specific state lives in the optional fields; <see cref="Secret"/> is plaintext in memory
/// only: stores encrypt it at rest.
/// </summary>
public sealed record Enrollment
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required Factor Factor { get; init; }
    /// <summary>What the user and the administrator see: "iPhone", "YubiKey 5", "+1 555 …".</summary>
    public string Label { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    /// <summary>False until the user proved possession (entered a code, approved once, completed the ceremony).</summary>
    public bool Confirmed { get; init; }

    /// <summary>OTP seed or approver TOTP seed (>= 160 bits). Never logged, never returned by the API.</summary>
    public byte[]? Secret { get; init; }
    public OtpParameters? Otp { get; init; }
    /// <summary>HOTP: the next counter expected. TOTP: the last accepted time step (codes at or before it are replays).</summary>
    public long Counter { get; init; }
    /// <summary>Hardware token serial number for imported tokens.</summary>
    public string? Serial { get; init; }

    /// <summary>SMS phone number (E.164) or e-mail address.</summary>
    public string? Destination { get; init; }

    /// <summary>Approver device or WebAuthn credential public key (SubjectPublicKeyInfo DER, or COSE for WebAuthn).</summary>
    public byte[]? PublicKey { get; init; }
    /// <summary>WebAuthn credential id (base64url).</summary>
    public string? CredentialId { get; init; }
    public long SignCount { get; init; }
    /// <summary>Method-specific extras that need no index (e.g. WebAuthn transports, approver user agent), JSON.</summary>
    public string? Properties { get; init; }

    /// <summary>Optimistic-concurrency version set by the store; null for an enrollment never saved.</summary>
    public string? Version { get; init; }
}

public enum OtpKind
{
    Totp = 0,
    Hotp = 1,
}

public enum OtpAlgorithm
{
    Sha1 = 0,
    Sha256 = 1,
    Sha512 = 2,
}

public sealed record OtpParameters
{
    public OtpKind Kind { get; init; } = OtpKind.Totp;
    public OtpAlgorithm Algorithm { get; init; } = OtpAlgorithm.Sha1;
    public int Digits { get; init; } = 6;
    /// <summary>TOTP step in seconds.</summary>
    public int Period { get; init; } = 30;
}

/// <summary>Persistence of enrollments, one partition per user.</summary>
public interface IEnrollmentStore
{
    Task<IReadOnlyList<Enrollment>> ListAsync(string userId, CancellationToken ct);
    Task<Enrollment?> FindAsync(string userId, string enrollmentId, CancellationToken ct);
    /// <summary>Inserts a new enrollment; returns it with its <see cref="Enrollment.Version"/>.</summary>
    Task<Enrollment> AddAsync(Enrollment enrollment, CancellationToken ct);
    /// <summary>
    /// Replaces the enrollment only if it is unchanged since it was read (its Version); returns the stored copy, or null
    /// when another writer won (e.g. two browsers submitting the same TOTP step: exactly one succeeds).
    /// </summary>
    Task<Enrollment?> TryUpdateAsync(Enrollment enrollment, CancellationToken ct);
    Task<bool> DeleteAsync(string userId, string enrollmentId, CancellationToken ct);
    /// <summary>Finds a WebAuthn credential or imported token by an index value (credential id, token serial).</summary>
    Task<Enrollment?> FindByIndexAsync(string kind, string value, CancellationToken ct);
    /// <summary>Every enrollment (reports, token inventory). Scans; admin paths only.</summary>
    IAsyncEnumerable<Enrollment> ListAllAsync(CancellationToken ct);
}

/// <summary>Encrypts authenticator secrets at rest with a key-encryption key the store never sees in plaintext form on disk.</summary>
public interface ISecretProtector
{
    /// <summary>Authenticated encryption; <paramref name="context"/> (e.g. "enrollment:{userId}:{id}") is bound as associated data.</summary>
    ValueTask<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, string context, CancellationToken ct);
    /// <summary>Throws <see cref="System.Security.Cryptography.CryptographicException"/> on tampering or a different context.</summary>
    ValueTask<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBytes, string context, CancellationToken ct);
}
