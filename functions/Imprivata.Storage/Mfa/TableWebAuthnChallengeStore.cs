using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>
/// Pending WebAuthn challenges, one row per ceremony id (random, so partitions spread). Taking a challenge deletes it with
/// its ETag: of two requests presenting the same ceremony, exactly one gets the challenge.
/// </summary>
public sealed class TableWebAuthnChallengeStore(TableSet tables) : IWebAuthnChallengeStore
{
    private const string Table = "WebAuthnChallenges";
    private const string Row = "c";

    public async Task SaveAsync(string ceremonyId, WebAuthnChallenge challenge, CancellationToken ct)
    {
        if (!IsValidKey(ceremonyId))
            throw new ArgumentException("Ceremony id is not a valid key.", nameof(ceremonyId));
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(ceremonyId, Row)
        {
            ["Challenge"] = challenge.Value,
            ["UserId"] = challenge.UserId,
            ["Ceremony"] = (int)challenge.Ceremony,
            ["ExpiresAt"] = challenge.ExpiresAt,
            ["UserHandle"] = challenge.UserHandle,
        }, ct).ConfigureAwait(false);
    }

    public async Task<WebAuthnChallenge?> TakeAsync(string ceremonyId, CancellationToken ct)
    {
        // Ceremony ids come back from the browser: anything that is not one of ours never reaches the table as a key.
        if (!IsValidKey(ceremonyId))
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(ceremonyId, Row, cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
            return null;
        try
        {
            await table.DeleteEntityAsync(ceremonyId, Row, row.ETag, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e) || TableSet.IsPreconditionFailed(e))
        {
            return null;
        }
        return new WebAuthnChallenge(
            row.GetBinary("Challenge") ?? [],
            row.GetString("UserId") ?? "",
            (WebAuthnCeremony)(row.GetInt32("Ceremony") ?? -1),
            row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
            row.GetBinary("UserHandle"));
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.DeleteMatchingAsync(TableClient.CreateQueryFilter($"ExpiresAt lt {now}"), ct).ConfigureAwait(false);
    }

    private static bool IsValidKey(string id) =>
        id.Length is >= 16 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
