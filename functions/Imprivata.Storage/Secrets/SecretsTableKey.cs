using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// One 256-bit data key in a row of the Secrets table: created once with insert-if-absent (so racing instances agree on one
/// key), then cached for the life of the process. With a key-encryption key the row holds the data key only sealed by it
/// (WrappedKey, KekName, KekVersion, KekAlg); a row from before is sealed in place the first time it is read, keeping the key.
/// </summary>
internal sealed partial class SecretsTableKey(TableSet tables, string partition, IKeyEncryptionKey? kek, ILogger logger)
{
    public const string Table = "Secrets";
    public const string Row = "v1";
    private const int KeyBytes = 32;
    private const int Attempts = 4;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // A reference, published whole: a struct this size could be read half-written by a request racing the first load.
    private Opened? _key;

    private sealed record Opened(byte[] Key, DateTimeOffset CreatedAt);

    public string Purpose => partition;

    public async ValueTask<byte[]> GetAsync(CancellationToken ct) => (await GetWithCreationAsync(ct).ConfigureAwait(false)).Key;

    /// <summary>The key and when it was first stored (as the storage service stamped the row's creation).</summary>
    public async ValueTask<(byte[] Key, DateTimeOffset CreatedAt)> GetWithCreationAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _key) is { } cached)
            return (cached.Key, cached.CreatedAt);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_key is null)
            {
                var (key, createdAt) = await LoadOrCreateAsync(ct).ConfigureAwait(false);
                Volatile.Write(ref _key, new Opened(key, createdAt));
            }
            return (_key!.Key, _key.CreatedAt);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(byte[] Key, DateTimeOffset CreatedAt)> LoadOrCreateAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        // Each lost race (another instance created or sealed the row first) ends in reading the row again.
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, Row, cancellationToken: ct).ConfigureAwait(false);
            if (existing.HasValue && existing.Value is { } row)
            {
                if (await OpenAsync(table, row, ct).ConfigureAwait(false) is { } opened)
                    return opened;
                continue;
            }
            try
            {
                await table.AddEntityAsync(await NewRowAsync(RandomNumberGenerator.GetBytes(KeyBytes), createdAt: null, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (TableSet.IsConflict(e))
            {
                // Another instance created it first: use theirs.
            }
        }
        throw new InvalidOperationException($"Secrets row {partition}/{Row} kept changing while it was read; try again.");
    }

    /// <summary>The key of a stored row; null when the row changed under a seal-in-place (read it again).</summary>
    private async Task<(byte[] Key, DateTimeOffset CreatedAt)?> OpenAsync(TableClient table, TableEntity row, CancellationToken ct)
    {
        var createdAt = CreatedAt(row);
        if (Wrapped(row) is { } wrapped)
        {
            if (kek is null)
                throw new InvalidOperationException(
                    $"Secrets row {partition}/{Row} is sealed by Key Vault key '{wrapped.KeyName}', and no Key Vault is configured (Imprivata:KeyProvider = keyvault).");
            var key = await kek.UnwrapAsync(wrapped, ct).ConfigureAwait(false);
            return key.Length == KeyBytes ? (key, createdAt) : throw new CryptographicException($"Secrets row {partition}/{Row} unwrapped to a key of the wrong size.");
        }
        if (row.GetBinary("Key") is not { Length: KeyBytes } plain)
            throw new InvalidOperationException($"Secrets row {partition}/{Row} holds no key.");
        if (kek is null)
            return (plain, createdAt);
        // A row from before the key-encryption key: seal the same key in place (the data under it stays readable).
        if (!await ReplaceAsync(table, row, plain, createdAt, ct).ConfigureAwait(false))
            return null;
        LogSealed(partition);
        return (plain, createdAt);
    }

    /// <summary>
    /// Re-seals the row under the key-encryption key's current version when another version (or none) sealed it; true when
    /// it changed. The data key stays the same.
    /// </summary>
    public async Task<bool> ResealAsync(string currentVersion, CancellationToken ct)
    {
        if (kek is null)
            return false;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, Row, cancellationToken: ct).ConfigureAwait(false);
        if (!existing.HasValue || existing.Value is not { } row)
            return false;
        if (Wrapped(row) is not { } wrapped)
            return await OpenAsync(table, row, ct).ConfigureAwait(false) is not null; // opening a clear row seals it
        if (wrapped.KeyVersion == currentVersion)
            return false;
        var opened = await OpenAsync(table, row, ct).ConfigureAwait(false);
        return opened is { } key && await ReplaceAsync(table, row, key.Key, key.CreatedAt, ct).ConfigureAwait(false);
    }

    private async Task<bool> ReplaceAsync(TableClient table, TableEntity row, byte[] key, DateTimeOffset createdAt, CancellationToken ct)
    {
        try
        {
            await table.UpdateEntityAsync(await NewRowAsync(key, createdAt, ct).ConfigureAwait(false), row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private async Task<TableEntity> NewRowAsync(byte[] key, DateTimeOffset? createdAt, CancellationToken ct)
    {
        var row = new TableEntity(partition, Row);
        if (kek is null)
            row["Key"] = key;
        else
        {
            var wrapped = await kek.WrapAsync(key, ct).ConfigureAwait(false);
            row["WrappedKey"] = wrapped.Value;
            row["KekName"] = wrapped.KeyName;
            row["KekVersion"] = wrapped.KeyVersion;
            row["KekAlg"] = wrapped.Algorithm;
        }
        // A replaced row gets a new Timestamp: its creation is carried in a column of its own.
        if (createdAt is { } created)
            row["Created"] = created;
        return row;
    }

    private static WrappedKey? Wrapped(TableEntity row) =>
        row.GetBinary("WrappedKey") is { Length: > 0 } value && row.GetString("KekName") is { Length: > 0 } name &&
        row.GetString("KekVersion") is { Length: > 0 } version && row.GetString("KekAlg") is { Length: > 0 } alg
            ? new WrappedKey(name, version, alg, value)
            : null;

    // A row written once keeps its Timestamp as its creation; a sealed-in-place one says it in "Created". That column is
    // written by clients, so it may only move the creation earlier than the service's stamp (a later one would let the audit
    // log take stripped seals for rows older than the key).
    private static DateTimeOffset CreatedAt(TableEntity row)
    {
        var stamped = row.Timestamp ?? DateTimeOffset.MinValue;
        return row.GetDateTimeOffset("Created") is { } created && created < stamped ? created : stamped;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secrets row {Purpose} held its data key in the clear; it is now sealed by the Key Vault key-encryption key")]
    private partial void LogSealed(string purpose);
}
