using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Imprivata.Core.Audit;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Audit;

/// <summary>
/// Audit events partitioned by UTC hour and one of <see cref="Spread"/> buckets ("yyyyMMddHH-b"), so a report is one
/// query per partition of the hour and the writes of a busy hour do not all land on one partition (Azure's per-partition
/// throughput target, about 2,000 entities/s; an append-only hot partition is the anti-pattern Azure's table design guide
/// names).
/// Within a partition the row key sorts newest first; the buckets of an hour are merged newest first. Rows written before
/// the buckets ("yyyyMMddHH") are read the same way. Values are stored as given; the console and exports escape control
/// characters (AuditText), so CR/LF never reach a report line raw.
/// Every row is sealed (<see cref="AuditSeal"/>): an HMAC under a stored key over its keys and fields, checked on every read.
/// Appends are group-committed (<see cref="AuditGroupCommit"/>): events arriving together are stored in one transaction,
/// and each caller still waits until its event is stored.
/// </summary>
public sealed class TableAuditLog : IAuditLog, IAsyncDisposable, IDisposable
{
    private const string Table = "Audit";
    private readonly TableSet _tables;
    private readonly AuditSeals _seals;
    private readonly AuditGroupCommit _commits;
    internal const int Spread = 16;

    public TableAuditLog(TableSet tables, SecretKeys keys)
    {
        _tables = tables;
        _seals = new AuditSeals(keys);
        _commits = new AuditGroupCommit(ct => tables.GetAsync(Table, ct), SealAsync);
    }

    public Task AppendAsync(AuditEvent e, CancellationToken ct)
    {
        var entity = new TableEntity("", RowKeyOf(e.Time))
        {
            ["Time"] = e.Time,
            ["Kind"] = e.Kind,
            ["Result"] = e.Result,
            ["Reason"] = e.Reason,
            ["Username"] = Clip(e.Username),
            ["UserId"] = e.UserId,
            ["Actor"] = Clip(e.Actor),
            ["ClientId"] = Clip(e.ClientId),
            ["Ip"] = e.Ip,
            ["RequestId"] = e.RequestId,
            ["Methods"] = e.Methods,
            ["Detail"] = Clip(e.Detail),
        };
        return _commits.WriteAsync(entity, PartitionOf(e.Time), ct);
    }

    /// <summary>Host shutdown: returns once every appended event is stored (or its caller has its error).</summary>
    public ValueTask DisposeAsync() => _commits.DisposeAsync();

    // A service provider disposed synchronously refuses a singleton that is only IAsyncDisposable; the writer never
    // needs the caller's context, so waiting here cannot deadlock.
    public void Dispose() => _commits.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Places a row in its partition ("yyyyMMddHH-b") and seals it there (the seal covers the keys).</summary>
    private async Task SealAsync(TableEntity row, string partition, CancellationToken ct)
    {
        row.PartitionKey = partition;
        row.Remove("Seal");
        row["Seal"] = await _seals.SealAsync(row, ct).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await _tables.GetAsync(Table, ct).ConfigureAwait(false);
        // Walk hour partitions newest first; each is a single-partition query.
        // The last hour of the calendar has no next hour to compare with: such a window ends where time does.
        if (to > DateTimeOffset.MaxValue.AddHours(-1))
            to = DateTimeOffset.MaxValue.AddHours(-1);
        var hour = new DateTimeOffset(to.UtcDateTime.Year, to.UtcDateTime.Month, to.UtcDateTime.Day, to.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        while (hour.AddHours(1) > from && hour > DateTimeOffset.MinValue.AddHours(1))
        {
            var pk = PartitionOf(hour);
            var partitions = new[] { TableClient.CreateQueryFilter($"PartitionKey eq {pk}") }
                .Concat(Enumerable.Range(0, Spread).Select(b => TableClient.CreateQueryFilter($"PartitionKey eq {pk + "-" + b.ToString("x", CultureInfo.InvariantCulture)}")))
                .Select(filter => table.QueryAsync<TableEntity>(filter, cancellationToken: ct));
            await foreach (var row in NewestFirst(partitions, ct).ConfigureAwait(false))
            {
                var time = AuditSeals.Time(row) ?? DateTimeOffset.MinValue;
                if (time < from || time >= to)
                    continue;
                yield return new AuditEvent
                {
                    Time = time,
                    Kind = AuditSeals.Text(row, "Kind") ?? "",
                    Result = AuditSeals.Text(row, "Result") ?? "",
                    Reason = AuditSeals.Text(row, "Reason") ?? "",
                    Username = AuditSeals.Text(row, "Username"),
                    UserId = AuditSeals.Text(row, "UserId"),
                    Actor = AuditSeals.Text(row, "Actor"),
                    ClientId = AuditSeals.Text(row, "ClientId"),
                    Ip = AuditSeals.Text(row, "Ip"),
                    RequestId = AuditSeals.Text(row, "RequestId"),
                    Methods = AuditSeals.Text(row, "Methods"),
                    Detail = AuditSeals.Text(row, "Detail"),
                    Seal = await _seals.VerifyAsync(row, ct).ConfigureAwait(false),
                };
            }
            hour = hour.AddHours(-1);
        }
    }

    /// <summary>Merges partitions, each sorted by row key (newest first), into one sequence sorted the same way.</summary>
    private static async IAsyncEnumerable<TableEntity> NewestFirst(IEnumerable<IAsyncEnumerable<TableEntity>> partitions, [EnumeratorCancellation] CancellationToken ct)
    {
        var heads = new List<IAsyncEnumerator<TableEntity>>();
        try
        {
            foreach (var partition in partitions)
            {
                var head = partition.GetAsyncEnumerator(ct);
                if (await head.MoveNextAsync().ConfigureAwait(false))
                    heads.Add(head);
                else
                    await head.DisposeAsync().ConfigureAwait(false);
            }
            while (heads.Count > 0)
            {
                var next = heads.MinBy(h => h.Current.RowKey, StringComparer.Ordinal)!;
                yield return next.Current;
                if (!await next.MoveNextAsync().ConfigureAwait(false))
                {
                    heads.Remove(next);
                    await next.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (var head in heads)
                await head.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string PartitionOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    // Inverted ticks sort newest first; the random suffix keeps two events of one tick apart.
    private static string RowKeyOf(DateTimeOffset time) =>
        (DateTime.MaxValue.Ticks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");

    // Attacker-supplied strings (usernames typed at the login page) are bounded so one event cannot grow without limit.
    private static string? Clip(string? value) => value is { Length: > 512 } ? value[..512] : value;
}
