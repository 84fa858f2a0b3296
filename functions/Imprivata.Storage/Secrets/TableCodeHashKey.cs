using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The HMAC key for SMS / e-mail code hashes, kept in the Secrets table beside the MFA secret key (same pattern as
/// <see cref="TableSecretProtector"/>): created once by whichever instance gets there first, then cached.
/// </summary>
public sealed class TableCodeHashKey(TableSet tables) : ICodeHashKey
{
    private const string Table = "Secrets";
    private const string Partition = "code-hash";
    private const string Row = "v1";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async ValueTask<byte[]> GetAsync(CancellationToken ct)
    {
        if (_key is { } cached)
            return cached;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _key ??= await LoadOrCreateAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken ct)
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
        return row.Value.GetBinary("Key") ?? throw new InvalidOperationException("Code hash key row has no key.");
    }
}
