using Imprivata.Core.Keys;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The 256-bit keys that encrypt and sign authorization codes and refresh tokens (they are opaque to clients, so only we read
/// them). Each created once with insert-if-absent so racing instances agree on one key.
/// </summary>
public sealed class TableTokenEncryptionKey(SecretKeys keys) : ITokenEncryptionKeySource
{
    private readonly SecretsTableKey _key = keys.For(SecretKeys.TokenEncryption);
    private readonly SecretsTableKey _signing = keys.For(SecretKeys.TokenSigning);

    public async Task<byte[]> GetOrCreateAsync(CancellationToken ct) => await _key.GetAsync(ct).ConfigureAwait(false);

    public async Task<byte[]> GetOrCreateSigningKeyAsync(CancellationToken ct) => await _signing.GetAsync(ct).ConfigureAwait(false);
}
