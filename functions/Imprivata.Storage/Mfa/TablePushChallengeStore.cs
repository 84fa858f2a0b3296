using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Push;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>
/// Push challenges, one partition per challenge (random ids spread the load; every read is a point read), and per-user push
/// state in "PushUsers", one partition per user. Every update is conditional on the ETag read (If-Match), so of two
/// writers that read the same version exactly one succeeds: the other gets 412 and null.
/// </summary>
public sealed class TablePushChallengeStore(TableSet tables) : IPushChallengeStore
{
    private const string Table = "PushChallenges";
    private const string UsersTable = "PushUsers";
    private const string ChallengeRow = "challenge";
    private const string UserRow = "push";

    public async Task<PushChallenge> AddAsync(PushChallenge challenge, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.AddEntityAsync(ToRow(challenge), ct).ConfigureAwait(false);
        return challenge with { Version = response.Headers.ETag?.ToString() };
    }

    public async Task<PushChallenge?> FindAsync(string challengeId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(challengeId) || challengeId.Length > 128)
            return null;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(challengeId), ChallengeRow, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row ? FromRow(row) : null;
    }

    public async Task<PushChallenge?> TryUpdateAsync(PushChallenge challenge, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(ToRow(challenge), challenge.Version, "challenge", ct).ConfigureAwait(false) is { } version
            ? challenge with { Version = version }
            : null;
    }

    public async Task<PushUserState> GetUserStateAsync(string userId, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsersTable, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(userId), UserRow, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row ? UserFromRow(row) : new PushUserState { UserId = userId };
    }

    public async Task<PushUserState?> TrySaveUserStateAsync(PushUserState state, CancellationToken ct)
    {
        var table = await tables.GetAsync(UsersTable, ct).ConfigureAwait(false);
        try
        {
            var response = state.Version is null
                ? await table.AddEntityAsync(UserToRow(state), ct).ConfigureAwait(false)
                : await table.UpdateEntityAsync(UserToRow(state), new ETag(state.Version), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return state with { Version = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException e) when (TableSet.IsPreconditionFailed(e) || TableSet.IsNotFound(e) || TableSet.IsConflict(e))
        {
            return null;
        }
    }

    public async IAsyncEnumerable<PushUserState> ListFraudBlockedAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(UsersTable, ct).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>("FraudBlocked eq true", cancellationToken: ct).ConfigureAwait(false))
            yield return UserFromRow(row);
    }

    private static TableEntity ToRow(PushChallenge c) => new(TableKey.Encode(c.Id), ChallengeRow)
    {
        ["UserId"] = c.UserId,
        ["Username"] = c.Username,
        ["EnrollmentId"] = c.EnrollmentId,
        ["AppName"] = c.AppName,
        ["ClientIp"] = c.ClientIp,
        ["CreatedAt"] = c.CreatedAt,
        ["ExpiresAt"] = c.ExpiresAt,
        ["MatchNumber"] = c.MatchNumber,
        ["State"] = c.State.Name(),
        ["Reason"] = c.Reason,
        ["DecidedAt"] = c.DecidedAt,
        ["FraudReported"] = c.FraudReported,
    };

    private static PushChallenge FromRow(TableEntity row) => new()
    {
        Id = TableKey.Decode(row.PartitionKey),
        UserId = row.GetString("UserId") ?? "",
        Username = row.GetString("Username") ?? "",
        EnrollmentId = row.GetString("EnrollmentId") ?? "",
        AppName = row.GetString("AppName") ?? "",
        ClientIp = row.GetString("ClientIp"),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
        // A row without a deadline reads as long expired: fail closed.
        ExpiresAt = row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue,
        MatchNumber = row.GetInt32("MatchNumber"),
        State = ParseState(row.GetString("State")),
        Reason = row.GetString("Reason"),
        DecidedAt = row.GetDateTimeOffset("DecidedAt"),
        FraudReported = row.GetBoolean("FraudReported") ?? false,
        Version = row.ETag.ToString(),
    };

    /// <summary>An unknown state name is treated as final (Denied), never as Pending.</summary>
    private static PushState ParseState(string? name)
    {
        foreach (var state in Enum.GetValues<PushState>())
        {
            if (state.Name() == name)
                return state;
        }
        return PushState.Denied;
    }

    private static TableEntity UserToRow(PushUserState s) => new(TableKey.Encode(s.UserId), UserRow)
    {
        ["Username"] = s.Username,
        ["RecentSends"] = JsonSerializer.Serialize(s.RecentSends),
        ["PendingChallengeId"] = s.PendingChallengeId,
        ["WrongNumberFailures"] = s.WrongNumberFailures,
        ["LastFailureAt"] = s.LastFailureAt,
        ["FraudBlocked"] = s.FraudBlocked,
        ["FraudReportedAt"] = s.FraudReportedAt,
        ["FraudChallengeId"] = s.FraudChallengeId,
        ["FraudAppName"] = s.FraudAppName,
        ["FraudClientIp"] = s.FraudClientIp,
    };

    private static PushUserState UserFromRow(TableEntity row) => new()
    {
        UserId = TableKey.Decode(row.PartitionKey),
        Username = row.GetString("Username") ?? "",
        RecentSends = row.GetString("RecentSends") is { } sends ? JsonSerializer.Deserialize<List<DateTimeOffset>>(sends) ?? [] : [],
        PendingChallengeId = row.GetString("PendingChallengeId"),
        WrongNumberFailures = row.GetInt32("WrongNumberFailures") ?? 0,
        LastFailureAt = row.GetDateTimeOffset("LastFailureAt"),
        FraudBlocked = row.GetBoolean("FraudBlocked") ?? false,
        FraudReportedAt = row.GetDateTimeOffset("FraudReportedAt"),
        FraudChallengeId = row.GetString("FraudChallengeId"),
        FraudAppName = row.GetString("FraudAppName"),
        FraudClientIp = row.GetString("FraudClientIp"),
        Version = row.ETag.ToString(),
    };
}
