using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Storage.UserDirectory;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Mfa;

/// <summary>
/// The hardware token inventory in table "OtpTokens", one partition per serial (point reads; the admin list scans).
/// Seeds are sealed with <see cref="ISecretProtector"/> bound to the serial.
/// </summary>
public sealed class TableHardwareTokenStore(TableSet tables, ISecretProtector protector) : IHardwareTokenStore
{
    private const string Table = "OtpTokens";

    public async Task<HardwareToken?> FindAsync(string serial, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(serial), "", cancellationToken: ct).ConfigureAwait(false);
        return found.HasValue && found.Value is { } row ? await FromRowAsync(row, ct).ConfigureAwait(false) : null;
    }

    public async Task<bool> TryAddAsync(HardwareToken token, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(await ToRowAsync(token, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (TableSet.IsConflict(e))
        {
            return false;
        }
    }

    public async Task<HardwareToken?> TryUpdateAsync(HardwareToken token, CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        return await table.TryReplaceAsync(await ToRowAsync(token, ct).ConfigureAwait(false), token.Version, "token", ct).ConfigureAwait(false) is { } version
            ? token with { Version = version }
            : null;
    }

    public async IAsyncEnumerable<HardwareToken> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var table = await tables.GetAsync(Table, ct).ConfigureAwait(false);
        await foreach (var row in table.QueryAsync<TableEntity>(cancellationToken: ct).ConfigureAwait(false))
            yield return await FromRowAsync(row, ct).ConfigureAwait(false);
    }

    private static string Context(string serial) => "otp-token:" + serial;

    private async Task<TableEntity> ToRowAsync(HardwareToken t, CancellationToken ct) => new(TableKey.Encode(t.Serial), "")
    {
        ["SealedSecret"] = await protector.ProtectAsync(t.Secret, Context(t.Serial), ct).ConfigureAwait(false),
        ["Otp"] = JsonSerializer.Serialize(t.Otp),
        ["Counter"] = t.Counter,
        ["ImportedAt"] = t.ImportedAt,
        ["ImportedBy"] = t.ImportedBy,
        ["AssignedUserId"] = t.AssignedUserId,
        ["AssignedEnrollmentId"] = t.AssignedEnrollmentId,
        ["AssignedAt"] = t.AssignedAt,
    };

    private async Task<HardwareToken> FromRowAsync(TableEntity row, CancellationToken ct)
    {
        var serial = TableKey.Decode(row.PartitionKey);
        return new HardwareToken
        {
            Serial = serial,
            Secret = await protector.UnprotectAsync(row.GetBinary("SealedSecret") ?? [], Context(serial), ct).ConfigureAwait(false),
            Otp = JsonSerializer.Deserialize<OtpParameters>(row.GetString("Otp") ?? "{}") ?? new OtpParameters(),
            Counter = row.GetInt64("Counter") ?? 0,
            ImportedAt = row.GetDateTimeOffset("ImportedAt") ?? DateTimeOffset.MinValue,
            ImportedBy = row.GetString("ImportedBy") ?? "",
            AssignedUserId = row.GetString("AssignedUserId"),
            AssignedEnrollmentId = row.GetString("AssignedEnrollmentId"),
            AssignedAt = row.GetDateTimeOffset("AssignedAt"),
            Version = row.ETag.ToString(),
        };
    }
}
