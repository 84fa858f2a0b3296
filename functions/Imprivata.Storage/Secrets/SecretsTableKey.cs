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
    private (byte[] Key, DateTimeOffset CreatedAt)? _key;

    public async ValueTask<byte[]> GetAsync(CancellationToken ct) => (await GetWithCreationAsync(ct).ConfigureAwait(false)).Key;

    /// <summary>The key and when it was first stored (the row's creation, as the storage service stamped it).</summary>
    public async ValueTask<(byte[] Key, DateTimeOffset CreatedAt)> GetWithCreationAsync(CancellationToken ct)
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

    private async Task<(byte[] Key, DateTimeOffset CreatedAt)> LoadOrCreateAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
        if (existing.HasValue && existing.Value is { } found && found.GetBinary("Key") is { Length: 32 } key)
            return (key, CreatedAt(found));
        try
        {
            await table.AddEntityAsync(new TableEntity(partition, row) { ["Key"] = RandomNumberGenerator.GetBytes(32) }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            // Another instance created it first: use theirs.
        }
        var stored = (await table.GetEntityAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false)).Value;
        return (stored.GetBinary("Key") ?? throw new InvalidOperationException($"Secrets row {partition}/{row} has no key."), CreatedAt(stored));
    }

    // Key rows are written once and never updated: their Timestamp is their creation.
    private static DateTimeOffset CreatedAt(TableEntity row) => row.Timestamp ?? DateTimeOffset.MinValue;
}
