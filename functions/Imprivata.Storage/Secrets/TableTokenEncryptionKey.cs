using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Keys;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The 256-bit key that encrypts authorization codes and refresh tokens (they are opaque to clients, so only we read them).
/// Created once with insert-if-absent so racing instances agree on one key.
/// </summary>
public sealed class TableTokenEncryptionKey(TableSet tables) : ITokenEncryptionKeySource
{
    private const string Table = "Secrets";
    private const string Partition = "token-encryption";
    private const string Row = "v1";

    public async Task<byte[]> GetOrCreateAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
        if (existing.HasValue && existing.Value?.GetBinary("Key") is { Length: 32 } key)
            return key;
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition, Row) { ["Key"] = RandomNumberGenerator.GetBytes(32) }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            // Another instance created it first: use theirs.
        }
        var row = await table.GetEntityAsync<TableEntity>(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
        return row.Value.GetBinary("Key") ?? throw new InvalidOperationException("Token encryption key row has no key.");
    }
}
