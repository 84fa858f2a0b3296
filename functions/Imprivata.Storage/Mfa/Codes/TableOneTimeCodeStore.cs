using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa.Codes;

/// <summary>Live codes in "OneTimeCodes": PartitionKey = user id, RowKey = "{purpose}-{channel}" (one live code each).</summary>
public sealed class TableOneTimeCodeStore(TableSet tables) : IOneTimeCodeStore
{
    private const string Table = "OneTimeCodes";

    public async Task<StoredCode?> FindAsync(string userId, CodeChannel channel, CodePurpose purpose, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(userId), RowKey(channel, purpose), cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
            return null;
        return new StoredCode
        {
            UserId = userId,
            Channel = channel,
            Purpose = purpose,
            CodeId = row.GetString("CodeId") ?? "",
            Hash = row.GetBinary("Hash") ?? [],
            Destination = row.GetString("Destination") ?? "",
            IssuedAt = row.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue,
            ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
            Attempts = row.GetInt32("Attempts") ?? int.MaxValue,
            State = (CodeState)(row.GetInt32("State") ?? (int)CodeState.Void),
            Version = row.ETag.ToString(),
        };
    }

    public async Task PutAsync(StoredCode code, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.UpsertEntityAsync(ToRow(code), TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    public async Task<StoredCode?> TryUpdateAsync(StoredCode code, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(code), code.Version, "code", ct).ConfigureAwait(false) is { } version
            ? code with { Version = version }
            : null;
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {before}");
        return await table.DeleteMatchingAsync(filter, ct, ifUnchanged: true).ConfigureAwait(false);
    }

    private static string RowKey(CodeChannel channel, CodePurpose purpose) => purpose.Name() + "-" + channel.Name();

    private static TableEntity ToRow(StoredCode code) => new(TableKey.Encode(code.UserId), RowKey(code.Channel, code.Purpose))
    {
        ["CodeId"] = code.CodeId,
        ["Hash"] = code.Hash,
        ["Destination"] = code.Destination,
        ["IssuedAt"] = code.IssuedAt,
        ["ExpiresAt"] = code.ExpiresAt,
        ["Attempts"] = code.Attempts,
        ["State"] = (int)code.State,
    };
}
