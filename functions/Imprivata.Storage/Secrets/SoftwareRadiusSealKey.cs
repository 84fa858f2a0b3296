using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Imprivata.Core.Keys;
using Imprivata.Core.Radius;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// The local RADIUS seal key: an RSA-2048 key in the Secrets table (row radius-seal/v1, PKCS#8), created once with
/// insert-if-absent so racing instances agree on one key, then kept for the life of the process. Its key id is the RFC 7638
/// thumbprint of its public key. Locally only: in Azure the key lives in Key Vault and never leaves it.
/// </summary>
public sealed class SoftwareRadiusSealKey(TableSet tables) : IRadiusSealKey
{
    public const string Partition = "radius-seal";
    private const string Row = "v1";
    private const int KeyBits = 2048;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Loaded? _key;

    private sealed record Loaded(RSA Rsa, RadiusSealPublicKey Public);

    public async Task<RadiusSealPublicKey> GetPublicKeyAsync(CancellationToken ct) => (await LoadAsync(ct).ConfigureAwait(false)).Public;

    public async Task<byte[]> UnwrapAsync(string? keyId, byte[] wrappedKey, CancellationToken ct)
    {
        var key = await LoadAsync(ct).ConfigureAwait(false);
        // A seal made for another key (an old deployment's, a Key Vault version) cannot open here: say so rather than fail obscurely.
        if (keyId is not null && keyId != key.Public.KeyId)
            throw new CryptographicException("The password was sealed to a key this backend does not hold.");
        return key.Rsa.Decrypt(wrappedKey, RSAEncryptionPadding.OaepSHA256);
    }

    private async ValueTask<Loaded> LoadAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _key) is { } cached)
            return cached;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_key is null)
                Volatile.Write(ref _key, await LoadOrCreateAsync(ct).ConfigureAwait(false));
            return _key!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Loaded> LoadOrCreateAsync(CancellationToken ct)
    {
        var table = await tables.GetAsync(SecretsTableKey.Table, ct).ConfigureAwait(false);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: ct).ConfigureAwait(false);
            if (existing.HasValue && existing.Value?.GetBinary("Pkcs8") is { Length: > 0 } pkcs8)
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                var parameters = rsa.ExportParameters(false);
                return new Loaded(rsa, new RadiusSealPublicKey(JwkThumbprint.OfRsa(parameters), parameters.Modulus!, parameters.Exponent!));
            }
            using var created = RSA.Create(KeyBits);
            try
            {
                await table.AddEntityAsync(new TableEntity(Partition, Row) { ["Pkcs8"] = created.ExportPkcs8PrivateKey() }, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (TableSet.IsConflict(e))
            {
                // Another instance created it first: use theirs.
            }
        }
        throw new InvalidOperationException($"Secrets row {Partition}/{Row} could not be read or created.");
    }
}
