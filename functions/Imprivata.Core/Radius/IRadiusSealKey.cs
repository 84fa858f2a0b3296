namespace Imprivata.Core.Radius;

/// <summary>The public half of the key edges seal passwords to, as the seal-key endpoint publishes it.</summary>
public sealed record RadiusSealPublicKey(string KeyId, byte[] Modulus, byte[] Exponent);

/// <summary>
/// The backend's RSA key that edges seal PAP passwords to (RSA-OAEP-256 wrapping a fresh AES-256-GCM key per password).
/// Only <see cref="UnwrapAsync"/> needs the private key: in Azure it is Key Vault's unwrapKey, locally a software key.
/// </summary>
public interface IRadiusSealKey
{
    /// <summary>The key new seals should use.</summary>
    Task<RadiusSealPublicKey> GetPublicKeyAsync(CancellationToken ct);

    /// <summary>
    /// RSA-OAEP-256-decrypts a wrapped content key with the key <paramref name="keyId"/> names (null: the current one). Throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> when the id is not one of ours or the key does not open.
    /// </summary>
    Task<byte[]> UnwrapAsync(string? keyId, byte[] wrappedKey, CancellationToken ct);
}
