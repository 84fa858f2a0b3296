using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>
/// Enrollments partitioned by user id (a login reads one partition). Secrets are sealed with <see cref="ISecretProtector"/>
/// bound to user and enrollment id, so a row copied to another user does not decrypt. Credential ids and token serials
/// get an index row in "EnrollmentIndex" (kind / value -> user / enrollment).
/// </summary>
public sealed class TableEnrollmentStore(TableSet tables, ISecretProtector protector) : IEnrollmentStore
{
    private const string Table = "Enrollments";
    private const string IndexTable = "EnrollmentIndex";
    public const string CredentialIndex = "webauthn";
    public const string SerialIndex = "serial";

    public async Task<IReadOnlyList<Enrollment>> ListAsync(string userId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var list = new List<Enrollment>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(userId)}"), cancellationToken: ct).ConfigureAwait(false))
            list.Add(await FromRowAsync(row, ct).ConfigureAwait(false));
        return list;
    }

    public async Task<Enrollment?> FindAsync(string userId, string enrollmentId, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(userId), TableKey.Encode(enrollmentId), cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue && response.Value is { } row ? await FromRowAsync(row, ct).ConfigureAwait(false) : null;
    }

    public async Task<Enrollment> AddAsync(Enrollment enrollment, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await WriteIndexAsync(enrollment, ct).ConfigureAwait(false);
        var response = await table.AddEntityAsync(await ToRowAsync(enrollment, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        return enrollment with { Version = response.Headers.ETag?.ToString() };
    }

    public async Task<Enrollment?> TryUpdateAsync(Enrollment enrollment, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(await ToRowAsync(enrollment, ct).ConfigureAwait(false), enrollment.Version, "enrollment", ct).ConfigureAwait(false) is { } version
            ? enrollment with { Version = version }
            : null;
    }

    public async Task<bool> DeleteAsync(string userId, string enrollmentId, CancellationToken ct)
    {
        var existing = await FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
        if (existing is null)
            return false;
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(TableKey.Encode(userId), TableKey.Encode(enrollmentId), ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (TableSet.IsNotFound(e))
        {
            return false;
        }
        await DeleteIndexAsync(existing, ct).ConfigureAwait(false);
        return true;
    }

    public async Task<Enrollment?> FindByIndexAsync(string kind, string value, CancellationToken ct)
    {
        var index = await tables.GetAsync(IndexTable, ct).ConfigureAwait(false);
        var response = await index.GetEntityIfExistsAsync<TableEntity>(kind, TableKey.Encode(value), cancellationToken: ct).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
            return null;
        var found = await FindAsync(row.GetString("UserId") ?? "", row.GetString("EnrollmentId") ?? "", ct).ConfigureAwait(false);
        // A stale index row (enrollment deleted in between) answers nothing rather than another user's authenticator.
        return found is not null && IndexValue(found, kind) == value ? found : null;
    }

    public async IAsyncEnumerable<Enrollment> ListAllAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return await FromRowAsync(row, ct).ConfigureAwait(false);
    }

    private static string? IndexValue(Enrollment e, string kind) => kind switch
    {
        CredentialIndex => e.Factor == Factor.WebAuthn ? e.CredentialId : null,
        SerialIndex => e.Serial,
        _ => null,
    };

    private async Task WriteIndexAsync(Enrollment e, CancellationToken ct)
    {
        foreach (var kind in new[] { CredentialIndex, SerialIndex })
        {
            if (IndexValue(e, kind) is not { Length: > 0 } value)
                continue;
            var index = await tables.GetAsync(IndexTable, ct).ConfigureAwait(false);
            try
            {
                await index.AddEntityAsync(new TableEntity(kind, TableKey.Encode(value)) { ["UserId"] = e.UserId, ["EnrollmentId"] = e.Id }, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException x) when (TableSet.IsConflict(x))
            {
                throw new DuplicateEnrollmentException(kind, value);
            }
        }
    }

    private async Task DeleteIndexAsync(Enrollment e, CancellationToken ct)
    {
        foreach (var kind in new[] { CredentialIndex, SerialIndex })
        {
            if (IndexValue(e, kind) is not { Length: > 0 } value)
                continue;
            var index = await tables.GetAsync(IndexTable, ct).ConfigureAwait(false);
            try
            {
                await index.DeleteEntityAsync(kind, TableKey.Encode(value), ETag.All, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException x) when (TableSet.IsNotFound(x))
            {
            }
        }
    }

    private static string Context(string userId, string id) => $"enrollment:{userId}:{id}";

    private async Task<TableEntity> ToRowAsync(Enrollment e, CancellationToken ct) => new(TableKey.Encode(e.UserId), TableKey.Encode(e.Id))
    {
        ["Factor"] = e.Factor.Name(),
        ["Label"] = e.Label,
        ["CreatedAt"] = e.CreatedAt,
        ["LastUsedAt"] = e.LastUsedAt,
        ["Confirmed"] = e.Confirmed,
        ["SealedSecret"] = e.Secret is null ? null : await protector.ProtectAsync(e.Secret, Context(e.UserId, e.Id), ct).ConfigureAwait(false),
        ["Otp"] = e.Otp is null ? null : JsonSerializer.Serialize(e.Otp),
        ["Counter"] = e.Counter,
        ["Serial"] = e.Serial,
        ["Destination"] = e.Destination,
        ["PublicKey"] = e.PublicKey,
        ["CredentialId"] = e.CredentialId,
        ["SignCount"] = e.SignCount,
        ["Properties"] = e.Properties,
    };

    private async Task<Enrollment> FromRowAsync(TableEntity row, CancellationToken ct)
    {
        var userId = TableKey.Decode(row.PartitionKey);
        var id = TableKey.Decode(row.RowKey);
        FactorNames.TryParse(row.GetString("Factor"), out var factor);
        var sealedSecret = row.GetBinary("SealedSecret");
        return new Enrollment
        {
            Id = id,
            UserId = userId,
            Factor = factor,
            Label = row.GetString("Label") ?? "",
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            LastUsedAt = row.GetDateTimeOffset("LastUsedAt"),
            Confirmed = row.GetBoolean("Confirmed") ?? false,
            Secret = sealedSecret is null ? null : await protector.UnprotectAsync(sealedSecret, Context(userId, id), ct).ConfigureAwait(false),
            Otp = row.GetString("Otp") is { } otp ? JsonSerializer.Deserialize<OtpParameters>(otp) : null,
            Counter = row.GetInt64("Counter") ?? 0,
            Serial = row.GetString("Serial"),
            Destination = row.GetString("Destination"),
            PublicKey = row.GetBinary("PublicKey"),
            CredentialId = row.GetString("CredentialId"),
            SignCount = row.GetInt64("SignCount") ?? 0,
            Properties = row.GetString("Properties"),
            Version = row.ETag.ToString(),
        };
    }
}

/// <summary>The credential id or token serial is already enrolled (possibly by another user).</summary>
public sealed class DuplicateEnrollmentException(string kind, string value)
    : InvalidOperationException($"An enrollment with this {kind} already exists.")
{
    public string Kind { get; } = kind;
    public string Value { get; } = value;
}
