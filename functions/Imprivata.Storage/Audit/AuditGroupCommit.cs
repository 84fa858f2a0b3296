using Azure.Data.Tables;

namespace Imprivata.Storage.Audit;

/// <summary>
/// Group commit of audit rows: rows appended while a write is in flight go out together, one entity-group transaction
/// per partition (up to <see cref="MaxRows"/> rows, one round trip instead of one each). Every caller still waits until
/// its own row is stored, so an event is as durable when AppendAsync returns as it was with one insert per event. A
/// caller that stops waiting (cancelled request) does not take its row back: it is written all the same, and
/// <see cref="DisposeAsync"/> (host shutdown) waits until nothing is left. A failed transaction is retried row by row, and
/// each caller gets its own row's outcome: a row is never dropped without its caller seeing the error.
/// The queue is bounded by its callers: each waits for its row, so it holds at most one row per request in flight.
/// </summary>
internal sealed class AuditGroupCommit(Func<CancellationToken, Task<TableClient>> table, Func<TableEntity, string, CancellationToken, Task> seal)
    : IAsyncDisposable
{
    // Azure's limits for one transaction: 100 rows, 4 MiB. Audit columns are bounded (TableAuditLog clips what callers
    // type), so 100 rows stay far below 4 MiB; rows are also cut by their estimated size, in case a column grows.
    internal const int MaxRows = 100;
    private const int MaxBytes = 2 * 1024 * 1024;

    private readonly Lock _gate = new();
    private List<Pending> _queue = [];
    private Task _writer = Task.CompletedTask;
    private bool _writing;

    /// <summary>
    /// Queues a row (its RowKey set, its PartitionKey the hour; the spread bucket and the seal are added when its
    /// transaction is formed, since the seal covers the PartitionKey) and waits until it is stored.
    /// </summary>
    public Task WriteAsync(TableEntity row, string hourPartition, CancellationToken ct)
    {
        var pending = new Pending(row, hourPartition, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _queue.Add(pending);
            if (!_writing)
            {
                _writing = true;
                // The writer serves every request; it must not carry the context (activity, async locals) of the one that woke it.
                using (ExecutionContext.SuppressFlow())
                    _writer = Task.Run(DrainAsync, CancellationToken.None);
            }
        }
        return pending.Stored.Task.WaitAsync(ct);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<Pending> taken;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
                taken = _queue;
                _queue = [];
            }
            foreach (var group in Transactions(taken))
                await CommitAsync(group).ConfigureAwait(false);
        }
    }

    /// <summary>One transaction per hour, cut at the row and size limits.</summary>
    private static IEnumerable<List<Pending>> Transactions(List<Pending> rows)
    {
        foreach (var hour in rows.GroupBy(r => r.HourPartition, StringComparer.Ordinal))
        {
            var current = new List<Pending>();
            var bytes = 0;
            foreach (var row in hour)
            {
                var size = EstimatedBytes(row.Row);
                if (current.Count > 0 && (current.Count == MaxRows || bytes + size > MaxBytes))
                {
                    yield return current;
                    current = [];
                    bytes = 0;
                }
                current.Add(row);
                bytes += size;
            }
            if (current.Count > 0)
                yield return current;
        }
    }

    private async Task CommitAsync(List<Pending> rows)
    {
        try
        {
            var client = await table(CancellationToken.None).ConfigureAwait(false);
            // One bucket of the hour's spread for the whole transaction (a transaction is one partition).
            var partition = rows[0].HourPartition + "-" + Random.Shared.Next(TableAuditLog.Spread).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var row in rows)
                await seal(row.Row, partition, CancellationToken.None).ConfigureAwait(false);
            if (rows.Count == 1)
                await client.AddEntityAsync(rows[0].Row, CancellationToken.None).ConfigureAwait(false);
            else
                await client.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r.Row)), CancellationToken.None).ConfigureAwait(false);
            foreach (var row in rows)
                row.Stored.TrySetResult();
        }
        catch (Exception) when (rows.Count > 1)
        {
            // Nothing of a failed transaction was stored: each row is tried alone and its caller gets that outcome.
            foreach (var row in rows)
                await CommitAsync([row]).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            rows[0].Stored.TrySetException(e);
        }
    }

    private static int EstimatedBytes(TableEntity row) =>
        1024 + row.Sum(p => p.Value is string s ? s.Length * 3 : 16);

    /// <summary>Waits until every queued row has been written (or has failed to its caller).</summary>
    public async ValueTask DisposeAsync()
    {
        while (true)
        {
            Task writer;
            lock (_gate)
            {
                if (!_writing)
                    return;
                writer = _writer;
            }
            await writer.ConfigureAwait(false);
        }
    }

    private sealed record Pending(TableEntity Row, string HourPartition, TaskCompletionSource Stored);
}
