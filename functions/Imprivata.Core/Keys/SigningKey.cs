using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imprivata.Core.Keys;

/// <summary>
/// An RSA signing key of the ring. <see cref="Rsa"/> can sign (locally or remotely in Key Vault);
/// its public part is also wrapped in <see cref="Certificate"/> for the JWKS x5c and SAML metadata.
/// </summary>
public sealed record SigningKey(
    string KeyId,
    RSA Rsa,
    X509Certificate2 Certificate,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset? RetiredAt);

public interface ISigningKeyRing
{
    /// <summary>The key that signs now: the newest key whose activation time has passed and that is not retired.</summary>
    Task<SigningKey> GetActiveKeyAsync(CancellationToken ct);
    /// <summary>Every key a relying party may meet: upcoming, active, and retired ones still inside their grace period.</summary>
    Task<IReadOnlyList<SigningKey>> GetPublishedKeysAsync(CancellationToken ct);
    /// <summary>Creates the first key when the ring is empty, schedules the next one, retires old ones. Idempotent.</summary>
    Task<KeyRingChange> MaintainAsync(CancellationToken ct);
}

public sealed record KeyRingChange(bool Changed, string Summary);

public sealed class KeyRingOptions
{
    /// <summary>How long a key signs before its successor takes over.</summary>
    public TimeSpan ActiveLifetime { get; set; } = TimeSpan.FromDays(90);
    /// <summary>A new key is published at least this long before it signs (relying parties cache JWKS).</summary>
    public TimeSpan PrePublication { get; set; } = TimeSpan.FromHours(48);
    /// <summary>A replaced key stays published this long: longer than any token it signed lives.</summary>
    public TimeSpan PostRetirement { get; set; } = TimeSpan.FromDays(15);
    public int KeySizeBits { get; set; } = 2048;
}
