using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Push;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>Approver enrollment tokens by hash (base64url, key-safe), one partition each; the token itself is never stored.</summary>
public sealed class TablePushEnrollmentTokenStore(TableSet tables) : IPushEnrollmentTokenStore
{
    private const string Table = "PushEnrollTokens";
    private const string Row = "token";

    public async Task AddAsync(PushEnrollmentToken token, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.AddEntityAsync(ToRow(token), ct).ConfigureAwait(false);
    }

    public async Task<PushEnrollmentToken?> FindAsync(string hash, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(hash) || hash.Length > 64 || !hash.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(hash, Row, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row ? FromRow(row) : null;
    }

    public async Task<PushEnrollmentToken?> TryUpdateAsync(PushEnrollmentToken token, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(token), token.Version, "token", ct).ConfigureAwait(false) is { } version
            ? token with { Version = version }
            : null;
    }

    private static TableEntity ToRow(PushEnrollmentToken t) => new(t.Hash, Row)
    {
        ["UserId"] = t.UserId,
        ["Username"] = t.Username,
        ["CreatedAt"] = t.CreatedAt,
        ["ExpiresAt"] = t.ExpiresAt,
        ["UsedAt"] = t.UsedAt,
        ["EnrollmentId"] = t.EnrollmentId,
    };

    private static PushEnrollmentToken FromRow(TableEntity row) => new()
    {
        Hash = row.PartitionKey,
        UserId = row.GetString("UserId") ?? "",
        Username = row.GetString("Username") ?? "",
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        UsedAt = row.GetDateTimeOffset("UsedAt"),
        EnrollmentId = row.GetString("EnrollmentId"),
        Version = row.ETag.ToString(),
    };
}
