using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa.Codes;

/// <summary>
/// The local outbox in "Outbox": one partition, RowKey = inverted ticks + random, so a plain query returns newest first.
/// It holds readable codes by design (a person trying the product reads them); production configures real carriers.
/// </summary>
public sealed class TableOutboxStore(TableSet tables) : IOutboxStore
{
    private const string Table = "Outbox";
    private const string Partition = "outbox";

    public async Task AddAsync(OutboxMessage message, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var row = Inverted(message.SentAt) + "-" + message.Id;
        await table.AddEntityAsync(new TableEntity(Partition, row)
        {
            ["Id"] = message.Id,
            ["Channel"] = message.Channel.Name(),
            ["To"] = message.To,
            ["Subject"] = message.Subject,
            ["Text"] = message.Text,
            ["SentAt"] = message.SentAt,
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(int max, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var list = new List<OutboxMessage>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: max, cancellationToken: ct).ConfigureAwait(false))
        {
            list.Add(new OutboxMessage
            {
                Id = row.GetString("Id") ?? row.RowKey,
                Channel = row.GetString("Channel") == CodeChannel.Email.Name() ? CodeChannel.Email : CodeChannel.Sms,
                To = row.GetString("To") ?? "",
                Subject = row.GetString("Subject") ?? "",
                Text = row.GetString("Text") ?? "",
                SentAt = row.GetDateTimeOffset("SentAt") ?? DateTimeOffset.MinValue,
            });
            if (list.Count >= max)
                break;
        }
        return list;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        // Older messages have larger inverted keys.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {Inverted(before)}");
        return await table.DeleteMatchingAsync(filter, ct).ConfigureAwait(false);
    }

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Inverted(DateTimeOffset t) => (DateTimeOffset.MaxValue.UtcTicks - t.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}
