using System.Security.Cryptography;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Secrets;

namespace Imprivata.Storage.Tests.Keys;

/// <summary>The key-encryption key over the fake vault: what is asked of the vault, and what is done with its public key.</summary>
public sealed class KeyVaultKeyEncryptionKeyTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();
    private readonly FakeKeyVault.Version _kek;

    public KeyVaultKeyEncryptionKeyTests() => _kek = _vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-30));

    public void Dispose() => _vault.Dispose();

    private KeyVaultKeyEncryptionKey Kek() => new(_vault.NewClient(), FakeKeyVault.KekName);

    [Fact]
    public async Task WrapAndUnwrap_SealedUnderTheNewestVersion_OpenedOnlyByTheVault()
    {
        var kek = Kek();
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = await kek.WrapAsync(dataKey, default);
        var unwrapped = await kek.UnwrapAsync(wrapped, default);

        Assert.Equal(dataKey, unwrapped);
        Assert.Equal((FakeKeyVault.KekName, _kek.Id, "RSA-OAEP-256"), (wrapped.KeyName, wrapped.KeyVersion, wrapped.Algorithm));
        Assert.Equal(dataKey, _kek.Key.Decrypt(wrapped.Value, RSAEncryptionPadding.OaepSHA256));
        Assert.Empty(_vault.Violations);
        // The current version, its public key once (the SDK wraps with it locally), then the vault's unwrap: the private key
        // is never asked for.
        var version = $"/keys/{FakeKeyVault.KekName}/{_kek.Id}";
        Assert.Equal([$"GET /keys/{FakeKeyVault.KekName}/", $"GET {version}", $"POST {version}/unwrapkey"], _vault.Requests);
        Assert.Equal(1, _vault.UnwrapCount);
    }

    [Fact]
    public async Task Wrap_ManyDataKeys_PublicKeyFetchedOncePerVersion()
    {
        var kek = Kek();

        for (var i = 0; i < 5; i++)
            await kek.WrapAsync(RandomNumberGenerator.GetBytes(32), default);

        Assert.Single(_vault.Requests, r => r == $"GET /keys/{FakeKeyVault.KekName}/{_kek.Id}");
    }

    [Fact]
    public async Task Wrap_AfterRotation_SealsUnderTheNewVersion_OlderRowsStillOpen()
    {
        var kek = Kek();
        var old = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32), default);
        var next = _vault.AddKekVersion(DateTimeOffset.UtcNow);

        var fresh = await kek.WrapAsync(RandomNumberGenerator.GetBytes(32), default);

        Assert.Equal(next.Id, fresh.KeyVersion);
        Assert.Equal(await kek.UnwrapAsync(old, default), _kek.Key.Decrypt(old.Value, RSAEncryptionPadding.OaepSHA256));
    }

    [Fact]
    public async Task Unwrap_ARowOfAnotherAlgorithm_RefusedWithoutAskingTheVault()
    {
        var wrapped = await Kek().WrapAsync(RandomNumberGenerator.GetBytes(32), default);
        var requests = _vault.Requests.Count;

        await Assert.ThrowsAsync<KeyVaultRequestException>(() => Kek().UnwrapAsync(wrapped with { Algorithm = "RSA1_5" }, default));

        Assert.Equal(requests, _vault.Requests.Count);
    }
}
