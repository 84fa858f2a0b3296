using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa.TemporaryCodes;
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
/// </summary>
public sealed class TableAuditLog(TableSet tables, ICodeHasher mac) : IAuditLog
{
    private const string Table = "Audit";
    private const string SealContext = "audit-seal";
    internal const int Spread = 16;

    public async Task AppendAsync(AuditEvent e, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var entity = new TableEntity(PartitionOf(e.Time) + "-" + Random.Shared.Next(Spread).ToString("x", CultureInfo.InvariantCulture), RowKeyOf(e.Time))
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
        entity["Seal"] = Convert.ToBase64String(await mac.HashAsync(Sealed(entity), SealContext, ct).ConfigureAwait(false));
        await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
    }

    private static readonly string[] SealedColumns = ["Kind", "Result", "Reason", "Username", "UserId", "Actor", "ClientId", "Ip", "RequestId", "Methods", "Detail"];

    /// <summary>What the seal covers, unambiguously (a JSON array): the row's place and time and every field.</summary>
    private static string Sealed(TableEntity row) => System.Text.Json.JsonSerializer.Serialize(
        new[] { row.PartitionKey, row.RowKey, row.GetDateTimeOffset("Time")?.UtcTicks.ToString(CultureInfo.InvariantCulture) }
            .Concat(SealedColumns.Select(row.GetString)).ToArray());

    private async Task<AuditSeal> VerifyAsync(TableEntity row, CancellationToken ct)
    {
        if (row.GetString("Seal") is not { } stored)
            return AuditSeal.Unsealed;
        var expected = await mac.HashAsync(Sealed(row), SealContext, ct).ConfigureAwait(false);
        var actual = new byte[expected.Length];
        return Convert.TryFromBase64String(stored, actual, out var written) && written == expected.Length &&
               System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(actual, expected)
            ? AuditSeal.Valid
            : AuditSeal.Broken;
    }

    public async IAsyncEnumerable<AuditEvent> QueryAsync(DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        // Walk hour partitions newest first; each is a single-partition query.
        var hour = new DateTimeOffset(to.UtcDateTime.Year, to.UtcDateTime.Month, to.UtcDateTime.Day, to.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        while (hour.AddHours(1) > from)
        {
            var pk = PartitionOf(hour);
            var partitions = new[] { TableClient.CreateQueryFilter($"PartitionKey eq {pk}") }
                .Concat(Enumerable.Range(0, Spread).Select(b => TableClient.CreateQueryFilter($"PartitionKey eq {pk + "-" + b.ToString("x", CultureInfo.InvariantCulture)}")))
                .Select(filter => table.QueryAsync<TableEntity>(filter, cancellationToken: ct));
            await foreach (var row in NewestFirst(partitions, ct).ConfigureAwait(false))
            {
                var time = row.GetDateTimeOffset("Time") ?? DateTimeOffset.MinValue;
                if (time < from || time >= to)
                    continue;
                yield return new AuditEvent
                {
                    Time = time,
                    Kind = row.GetString("Kind") ?? "",
                    Result = row.GetString("Result") ?? "",
                    Reason = row.GetString("Reason") ?? "",
                    Username = row.GetString("Username"),
                    UserId = row.GetString("UserId"),
                    Actor = row.GetString("Actor"),
                    ClientId = row.GetString("ClientId"),
                    Ip = row.GetString("Ip"),
                    RequestId = row.GetString("RequestId"),
                    Methods = row.GetString("Methods"),
                    Detail = row.GetString("Detail"),
                    Seal = await VerifyAsync(row, ct).ConfigureAwait(false),
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
