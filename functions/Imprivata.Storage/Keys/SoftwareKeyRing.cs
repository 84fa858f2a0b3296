using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Keys;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging;

namespace Imprivata.Storage.Keys;

/// <summary>
/// The local default key ring: RSA keys kept in Azure Tables (table "SigningKeys") and cached in memory.
/// Each refresh also applies the rotation plan, so the ring maintains itself even without a timer; concurrent instances
/// are safe because a new key is an insert of the next generation's row, which only one instance can win.
/// </summary>
public sealed partial class SoftwareKeyRing : ISigningKeyRing
{
    private readonly TableSet _tables;
    private readonly KeyRotationPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<SoftwareKeyRing> _logger;
    private readonly RefreshingValue<KeyRingSnapshot> _snapshot;
    private readonly ConcurrentDictionary<string, SigningKey> _parsed = new(StringComparer.Ordinal);

    public SoftwareKeyRing(TableSet tables, KeyRingOptions options, TimeProvider time, ILogger<SoftwareKeyRing> logger)
    {
        _tables = tables;
        _policy = new KeyRotationPolicy(options);
        _time = time;
        _logger = logger;
        _snapshot = new RefreshingValue<KeyRingSnapshot>(
            async ct => (await SyncAsync(ct).ConfigureAwait(false)).Snapshot, time, options.CacheRefresh, e => LogStale(e));
    }

    public async Task<SigningKey> GetActiveKeyAsync(CancellationToken ct)
    {
        var snapshot = await _snapshot.GetAsync(ct).ConfigureAwait(false);
        return snapshot.FindActive(_time.GetUtcNow()) ?? throw new InvalidOperationException("The signing key ring is empty.");
    }

    public async Task<IReadOnlyList<SigningKey>> GetPublishedKeysAsync(CancellationToken ct) =>
        (await _snapshot.GetAsync(ct).ConfigureAwait(false)).Published(_time.GetUtcNow());

    public async Task<KeyRingChange> MaintainAsync(CancellationToken ct)
    {
        var (snapshot, change) = await SyncAsync(ct).ConfigureAwait(false);
        _snapshot.Set(snapshot);
        return change;
    }

    /// <summary>Reads the ring, applies the plan (create successor, drop long-retired keys), and reads it again if it changed.</summary>
    private async Task<(KeyRingSnapshot Snapshot, KeyRingChange Change)> SyncAsync(CancellationToken ct)
    {
        var table = await _tables.GetAsync(StoredSigningKey.TableName, ct).ConfigureAwait(false);
        var rows = await ReadAsync(table, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var plan = _policy.Plan(rows.Select(StoredSigningKey.ScheduleOf).ToList(), now);
        if (plan.IsEmpty)
            return (ToSnapshot(rows), new KeyRingChange(false, "The key ring is in order."));

        var notes = new List<string>();
        if (plan.NewKeyActivatesAt is { } activatesAt)
        {
            var generation = rows.Count == 0 ? 1 : rows.Max(StoredSigningKey.GenerationOf) + 1;
            var created = await TryCreateAsync(table, generation, now, activatesAt, ct).ConfigureAwait(false);
            notes.Add(created ? $"Created key generation {generation} activating at {activatesAt:O}." : $"Key generation {generation} was created by another instance.");
        }
        foreach (var key in plan.Drop)
        {
            var row = rows.First(r => r.GetString("KeyId") == key.KeyId);
            await DeleteAsync(table, row, ct).ConfigureAwait(false);
            _parsed.TryRemove(key.KeyId, out _);
            LogDropped(key.KeyId);
            notes.Add($"Dropped key {key.KeyId}.");
        }
        rows = await ReadAsync(table, ct).ConfigureAwait(false);
        return (ToSnapshot(rows), new KeyRingChange(true, string.Join(" ", notes)));
    }

    /// <summary>Inserts the next generation; a conflict means another instance won the race and its key is the one to use.</summary>
    private async Task<bool> TryCreateAsync(TableClient table, long generation, DateTimeOffset now, DateTimeOffset activatesAt, CancellationToken ct)
    {
        using var rsa = RSA.Create(_policy.Options.KeySizeBits);
        var keyId = JwkThumbprint.OfRsa(rsa.ExportParameters(false));
        var schedule = new KeySchedule(keyId, now, activatesAt);
        using var certificate = SigningCertificate.Create(rsa, keyId, _policy.Options.CertificateSubject, now, _policy.ExpectedPublicationEnd(schedule));
        var row = StoredSigningKey.ToRow(generation, keyId, rsa.ExportPkcs8PrivateKey(), certificate, schedule);
        try
        {
            await table.AddEntityAsync(row, ct).ConfigureAwait(false);
            LogCreated(keyId, generation, activatesAt);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return false;
        }
    }

    private static async Task DeleteAsync(TableClient table, TableEntity row, CancellationToken ct)
    {
        try
        {
            // If-Match on the row read: another instance replacing the row in between is not ours to delete.
            await table.DeleteEntityAsync(row, row.ETag, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e) || TableSet.IsPreconditionFailed(e))
        {
            // already dropped by another instance
        }
    }

    private static async Task<List<TableEntity>> ReadAsync(TableClient table, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == StoredSigningKey.Partition, cancellationToken: ct).ConfigureAwait(false))
            rows.Add(row);
        return rows;
    }

    private KeyRingSnapshot ToSnapshot(List<TableEntity> rows) =>
        new(_policy, rows.Select(row => _parsed.GetOrAdd(row.GetString("KeyId"), _ => StoredSigningKey.ToSigningKey(row))));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created signing key {KeyId} (generation {Generation}) activating at {ActivatesAt}")]
    private partial void LogCreated(string keyId, long generation, DateTimeOffset activatesAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped long-retired signing key {KeyId}")]
    private partial void LogDropped(string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the signing key ring; serving the keys already loaded")]
    private partial void LogStale(Exception exception);
}
