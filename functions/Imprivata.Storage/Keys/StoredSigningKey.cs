using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Imprivata.Core.Keys;

namespace Imprivata.Storage.Keys;

/// <summary>
/// One row of table "SigningKeys": PartitionKey "ring", RowKey the key's generation (zero-padded, so the successor of
/// generation n is the single row n+1 and racing instances collide on insert), the private key as PKCS#8 and its certificate.
/// </summary>
internal static class StoredSigningKey
{
    public const string TableName = "SigningKeys";
    public const string Partition = "ring";

    public static string RowKeyOf(long generation) => generation.ToString("D10", CultureInfo.InvariantCulture);

    public static long GenerationOf(TableEntity row) => long.Parse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture);

    public static TableEntity ToRow(long generation, string keyId, byte[] pkcs8, X509Certificate2 certificate, KeySchedule schedule) =>
        new(Partition, RowKeyOf(generation))
        {
            ["KeyId"] = keyId,
            ["CreatedAt"] = schedule.CreatedAt,
            ["ActivatesAt"] = schedule.ActivatesAt,
            ["PrivateKey"] = pkcs8,
            ["Certificate"] = certificate.RawData,
        };

    public static KeySchedule ScheduleOf(TableEntity row) => new(
        row.GetString("KeyId"),
        row.GetDateTimeOffset("CreatedAt") ?? throw Corrupt(row),
        row.GetDateTimeOffset("ActivatesAt") ?? throw Corrupt(row));

    public static SigningKey ToSigningKey(TableEntity row)
    {
        var schedule = ScheduleOf(row);
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(row.GetBinary("PrivateKey") ?? throw Corrupt(row), out _);
        var certificate = X509CertificateLoader.LoadCertificate(row.GetBinary("Certificate") ?? throw Corrupt(row));
        // The stored kid must be the thumbprint of the stored key: a mismatched row would publish one key and sign with another.
        if (JwkThumbprint.OfRsa(rsa.ExportParameters(false)) != schedule.KeyId)
            throw Corrupt(row);
        return new SigningKey(schedule.KeyId, rsa, certificate, schedule.CreatedAt, schedule.ActivatesAt, null);
    }

    private static InvalidOperationException Corrupt(TableEntity row) =>
        new($"Signing key row {row.RowKey} of table {TableName} is incomplete or inconsistent.");
}
