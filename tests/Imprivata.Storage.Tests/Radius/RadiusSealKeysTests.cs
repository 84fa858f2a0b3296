using System.Security.Cryptography;
using Imprivata.Core.Keys;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Radius;

/// <summary>The RADIUS seal key: the software key in the Secrets table, and the Key Vault key whose unwrap stays in the vault.</summary>
public sealed class RadiusSealKeysTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();

    public void Dispose() => _vault.Dispose();

    private static byte[] Wrap(byte[] contentKey, byte[] modulus, byte[] exponent)
    {
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
        return rsa.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
    }

    [Fact]
    public async Task Software_TwoInstancesOneTable_SameKeyIdByThumbprint_UnwrapsWhatWasSealedToIt()
    {
        var tables = new TableSet(Azurite.NewTables());
        var first = new SoftwareRadiusSealKey(tables);
        var second = new SoftwareRadiusSealKey(tables);

        var a = await first.GetPublicKeyAsync(default);
        var b = await second.GetPublicKeyAsync(default);
        var contentKey = RandomNumberGenerator.GetBytes(32);

        Assert.Equal(a.KeyId, b.KeyId);
        Assert.Equal(JwkThumbprint.OfRsa(new RSAParameters { Modulus = a.Modulus, Exponent = a.Exponent }), a.KeyId);
        Assert.Equal(2048, a.Modulus.Length * 8);
        Assert.Equal(contentKey, await second.UnwrapAsync(a.KeyId, Wrap(contentKey, a.Modulus, a.Exponent), default));
        Assert.Equal(contentKey, await second.UnwrapAsync(null, Wrap(contentKey, a.Modulus, a.Exponent), default));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => second.UnwrapAsync("someone-elses", Wrap(contentKey, a.Modulus, a.Exponent), default));
    }

    [Fact]
    public async Task KeyVault_NewestVersionsPublicKey_VersionAsKeyId_UnwrapIsTheVaults()
    {
        var older = _vault.AddSealKeyVersion(DateTimeOffset.UtcNow.AddDays(-60));
        var newest = _vault.AddSealKeyVersion(DateTimeOffset.UtcNow.AddDays(-1));
        var key = new KeyVaultRadiusSealKey(_vault.NewClient(), FakeKeyVault.SealKeyName, TimeProvider.System);
        var contentKey = RandomNumberGenerator.GetBytes(32);

        var current = await key.GetPublicKeyAsync(default);
        var opened = await key.UnwrapAsync(current.KeyId, Wrap(contentKey, current.Modulus, current.Exponent), default);
        var olderParameters = older.Key.ExportParameters(false);
        var fromBefore = await key.UnwrapAsync(older.Id, Wrap(contentKey, olderParameters.Modulus!, olderParameters.Exponent!), default);

        Assert.Equal(newest.Id, current.KeyId);
        Assert.Equal(newest.Key.ExportParameters(false).Modulus, current.Modulus);
        Assert.Equal(contentKey, opened);
        Assert.Equal(contentKey, fromBefore);
        Assert.Equal(2, _vault.UnwrapCount);
        Assert.Empty(_vault.Violations);
    }

    [Fact]
    public async Task KeyVault_KeyIdNotAVersionOrCiphertextNotOurs_CryptographicExceptionWithoutAskingForAnythingElse()
    {
        var newest = _vault.AddSealKeyVersion(DateTimeOffset.UtcNow.AddDays(-1));
        var key = new KeyVaultRadiusSealKey(_vault.NewClient(), FakeKeyVault.SealKeyName, TimeProvider.System);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => key.UnwrapAsync("../../keys/idp-signing", new byte[256], default));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => key.UnwrapAsync(newest.Id, RandomNumberGenerator.GetBytes(256), default));
        Assert.DoesNotContain(_vault.Requests, r => r.Contains("idp-signing"));
    }

    [Fact]
    public async Task KeyVault_PublicKeyCachedForMinutes_ThenReadAgain()
    {
        _vault.AddSealKeyVersion(DateTimeOffset.UtcNow.AddDays(-1));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = new KeyVaultRadiusSealKey(_vault.NewClient(), FakeKeyVault.SealKeyName, time);

        await key.GetPublicKeyAsync(default);
        await key.GetPublicKeyAsync(default);
        time.Advance(KeyVaultRadiusSealKey.PublicKeyRefresh);
        await key.GetPublicKeyAsync(default);

        Assert.Equal(2, _vault.Requests.Count(r => r == $"GET /keys/{FakeKeyVault.SealKeyName}/"));
    }
}
