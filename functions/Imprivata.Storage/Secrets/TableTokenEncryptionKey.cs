using Imprivata.Core.Keys;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The 256-bit keys that encrypt and sign authorization codes and refresh tokens (they are opaque to clients, so only we read
/// them). Each created once with insert-if-absent so racing instances agree on one key.
/// </summary>
public sealed class TableTokenEncryptionKey(TableSet tables) : ITokenEncryptionKeySource
{
    private readonly SecretsTableKey _key = new(tables, "token-encryption");
    private readonly SecretsTableKey _signing = new(tables, "token-signing");

    public async Task<byte[]> GetOrCreateAsync(CancellationToken ct) => await _key.GetAsync(ct).ConfigureAwait(false);

    public async Task<byte[]> GetOrCreateSigningKeyAsync(CancellationToken ct) => await _signing.GetAsync(ct).ConfigureAwait(false);
}
