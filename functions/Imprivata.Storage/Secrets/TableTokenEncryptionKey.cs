using Imprivata.Core.Keys;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The 256-bit key that encrypts authorization codes and refresh tokens (they are opaque to clients, so only we read them).
/// Created once with insert-if-absent so racing instances agree on one key.
/// </summary>
public sealed class TableTokenEncryptionKey(TableSet tables) : ITokenEncryptionKeySource
{
    private readonly SecretsTableKey _key = new(tables, "token-encryption");

    public async Task<byte[]> GetOrCreateAsync(CancellationToken ct) => await _key.GetAsync(ct).ConfigureAwait(false);
}
