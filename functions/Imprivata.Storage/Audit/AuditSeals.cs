using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Imprivata.Core.Audit;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Audit;

/// <summary>
/// The seal of an audit row: HMAC-SHA256, under a key of its own in the Secrets table, over the row's keys, time and every
/// field. A row changed, moved or inserted by someone who can write the Audit table but not read the key no longer verifies.
/// A row without a seal is "unsealed" only if it is older than the key (written before seals existed); a newer one lost its
/// seal and counts as changed. Locally whoever can read the Secrets table can forge seals; in Azure the key is sealed by Key Vault.
/// </summary>
internal sealed class AuditSeals(SecretKeys keys)
{
    // A rolling upgrade may still run an instance that writes unsealed rows for a few minutes after the key appeared.
    private static readonly TimeSpan UpgradeGrace = TimeSpan.FromMinutes(15);
    private static readonly string[] Columns = ["Kind", "Result", "Reason", "Username", "UserId", "Actor", "ClientId", "Ip", "RequestId", "Methods", "Detail"];

    private readonly SecretsTableKey _key = keys.For(SecretKeys.AuditSeal);

    public async ValueTask<string> SealAsync(TableEntity row, CancellationToken ct) =>
        Convert.ToBase64String(HMACSHA256.HashData((await _key.GetWithCreationAsync(ct).ConfigureAwait(false)).Key, Covered(row)));

    public async ValueTask<AuditSeal> VerifyAsync(TableEntity row, CancellationToken ct)
    {
        var (key, createdAt) = await _key.GetWithCreationAsync(ct).ConfigureAwait(false);
        if (Text(row, "Seal") is not { } stored)
            return Time(row) is { } time && time < createdAt + UpgradeGrace ? AuditSeal.Unsealed : AuditSeal.Broken;
        var expected = HMACSHA256.HashData(key, Covered(row));
        var actual = new byte[expected.Length];
        return Convert.TryFromBase64String(stored, actual, out var written) && written == expected.Length &&
               CryptographicOperations.FixedTimeEquals(actual, expected)
            ? AuditSeal.Valid
            : AuditSeal.Broken;
    }

    /// <summary>A column as text whatever type a tampered row gives it (never an exception while reading the log).</summary>
    public static string? Text(TableEntity row, string column) =>
        row.TryGetValue(column, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    public static DateTimeOffset? Time(TableEntity row) => row.TryGetValue("Time", out var value) ? value switch
    {
        DateTimeOffset t => t,
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        _ => null,
    } : null;

    /// <summary>What the seal covers, unambiguously (a JSON array).</summary>
    private static byte[] Covered(TableEntity row) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
        new[] { row.PartitionKey, row.RowKey, Time(row)?.UtcTicks.ToString(CultureInfo.InvariantCulture) }.Concat(Columns.Select(c => Text(row, c))).ToArray()));
}
