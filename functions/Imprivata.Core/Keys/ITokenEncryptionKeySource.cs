namespace Imprivata.Core.Keys;

/// <summary>The symmetric keys that protect the provider's own opaque tokens (codes, refresh tokens).</summary>
public interface ITokenEncryptionKeySource
{
    /// <summary>The 256-bit key that encrypts them.</summary>
    Task<byte[]> GetOrCreateAsync(CancellationToken ct);

    /// <summary>The 256-bit key that signs them (HS256): only this provider ever checks these signatures.</summary>
    Task<byte[]> GetOrCreateSigningKeyAsync(CancellationToken ct);
}
