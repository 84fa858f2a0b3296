namespace Imprivata.Core.Mfa.HardwareTokens;

/// <summary>
/// An imported hardware OTP token in the inventory. The seed stays here while the token is assigned (the user's
/// enrollment holds a copy), so an unassigned token can be handed to someone else; <see cref="Counter"/> is carried back
/// from the enrollment on unassignment, so codes already used never work again.
/// </summary>
public sealed record HardwareToken
{
    public required string Serial { get; init; }
    /// <summary>Plaintext in memory only; sealed at rest, never listed, never returned by the API.</summary>
    public required byte[] Secret { get; init; }
    public required OtpParameters Otp { get; init; }
    public long Counter { get; init; }
    public DateTimeOffset ImportedAt { get; init; }
    public string ImportedBy { get; init; } = "";
    public string? AssignedUserId { get; init; }
    public string? AssignedEnrollmentId { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }
    public string? Version { get; init; }
}

/// <summary>The token inventory, one row per serial.</summary>
public interface IHardwareTokenStore
{
    Task<HardwareToken?> FindAsync(string serial, CancellationToken ct);
    /// <summary>False when the serial is already in the inventory.</summary>
    Task<bool> TryAddAsync(HardwareToken token, CancellationToken ct);
    /// <summary>Replaces the row only if unchanged since read (Version); null when another writer won.</summary>
    Task<HardwareToken?> TryUpdateAsync(HardwareToken token, CancellationToken ct);
    IAsyncEnumerable<HardwareToken> ListAsync(CancellationToken ct);
}
