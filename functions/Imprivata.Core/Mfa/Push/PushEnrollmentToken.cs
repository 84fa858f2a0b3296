namespace Imprivata.Core.Mfa.Push;

/// <summary>
/// A one-time approver enrollment token (shown as a QR code): stored only as its SHA-256 hash, 10 minutes, single use.
/// <see cref="EnrollmentId"/> is set when a device used it, so the enrollment page can tell the user it worked.
/// </summary>
public sealed record PushEnrollmentToken
{
    /// <summary>base64url(SHA-256(token)): the row key and the enrollment page's polling handle (it does not reveal the token).</summary>
    public required string Hash { get; init; }
    public required string UserId { get; init; }
    public string Username { get; init; } = "";
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; init; }
    public string? EnrollmentId { get; init; }
    public string? Version { get; init; }
}

public interface IPushEnrollmentTokenStore
{
    Task AddAsync(PushEnrollmentToken token, CancellationToken ct);
    Task<PushEnrollmentToken?> FindAsync(string hash, CancellationToken ct);
    /// <summary>Conditional on Version; null when another writer (a second device with the same token) won.</summary>
    Task<PushEnrollmentToken?> TryUpdateAsync(PushEnrollmentToken token, CancellationToken ct);
}

/// <summary>What the enrollment page shows: the token goes into the QR code's URL fragment; Handle is for polling.</summary>
public sealed record PushEnrollmentInvite(string Token, string Handle, DateTimeOffset ExpiresAt);

public enum PushEnrollmentProgress
{
    Unknown,
    Waiting,
    Completed,
    Expired,
}

/// <summary>A registered device: the enrollment and the TOTP seed handed to the device this one time.</summary>
public sealed record PushDeviceRegistration
{
    public Enrollment? Enrollment { get; private init; }
    public byte[]? TotpSeed { get; private init; }
    public string Username { get; private init; } = "";
    /// <summary>Null on success; otherwise invalid_token, token_expired, token_used, bad_public_key, bad_device_name.</summary>
    public string? Error { get; private init; } = "invalid_token";
    public bool Succeeded => Error is null;

    public static PushDeviceRegistration Registered(Enrollment enrollment, byte[] seed, string username) =>
        new() { Enrollment = enrollment, TotpSeed = seed, Username = username, Error = null };

    public static PushDeviceRegistration Failed(string error) => new() { Error = error };
}
