namespace Imprivata.Core.Keys;

/// <summary>The symmetric key that protects the provider's own opaque tokens (codes, refresh tokens).</summary>
public interface ITokenEncryptionKeySource
{
    Task<byte[]> GetOrCreateAsync(CancellationToken ct);
}
