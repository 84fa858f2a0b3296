using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>
/// One row per user and kind of failure (the row key: <see cref="SecondFactor"/> or <see cref="Passwords"/>), written only
/// once a failure happened; ETag-conditional writes so concurrent failures are all counted.
/// </summary>
public sealed class TableThrottleStore(TableSet tables, string counter) : IThrottleStore
{
    public const string SecondFactor = "mfa";
    public const string Passwords = "pwd";
    private const string Table = "Throttle";

    public TableThrottleStore(TableSet tables) : this(tables, SecondFactor)
    {
    }

    public async Task<ThrottleState> GetAsync(string userId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(userId), counter, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
            return new ThrottleState(0, null);
        return new ThrottleState(row.GetInt32("Failures") ?? 0, row.GetDateTimeOffset("LastFailureAt"), row.ETag.ToString());
    }

    public async Task<string?> TrySaveAsync(string userId, ThrottleState state, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var entity = new TableEntity(TableKey.Encode(userId), counter) { ["Failures"] = state.ConsecutiveFailures, ["LastFailureAt"] = state.LastFailureAt };
        try
        {
            var response = state.Version is null
                ? await table.AddEntityAsync(entity, ct).ConfigureAwait(false)
                : await table.UpdateEntityAsync(entity, new ETag(state.Version), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return response.Headers.ETag?.ToString() ?? "";
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e) || TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e))
        {
            return null;
        }
    }

    /// <summary>Deletes this kind's counters of ids starting with <paramref name="idPrefix"/> whose last failure is before
    /// <paramref name="idleBefore"/>; a counter that changed in between is kept.</summary>
    public async Task<int> PurgeIdleAsync(string idPrefix, DateTimeOffset idleBefore, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(idPrefix);
        var from = TableKey.Encode(idPrefix);
        var to = from[..^1] + (char)(from[^1] + 1);
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to} and RowKey eq {counter} and LastFailureAt lt {idleBefore}");
        return await table.DeleteMatchingAsync(filter, ct, ifUnchanged: true).ConfigureAwait(false);
    }
}
