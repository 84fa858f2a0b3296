using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// One 256-bit key in a row of the Secrets table: created once with insert-if-absent (so racing instances agree on one
/// key), then cached for the life of the process.
/// </summary>
internal sealed class SecretsTableKey(TableSet tables, string partition, string row = "v1")
{
    private const string Table = "Secrets";
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
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
        if (existing.HasValue && existing.Value?.GetBinary("Key") is { Length: 32 } key)
            return key;
        try
        {
            await table.AddEntityAsync(new TableEntity(partition, row) { ["Key"] = RandomNumberGenerator.GetBytes(32) }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            // Another instance created it first: use theirs.
        }
        var stored = await table.GetEntityAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
        return stored.Value.GetBinary("Key") ?? throw new InvalidOperationException($"Secrets row {partition}/{row} has no key.");
    }
}
