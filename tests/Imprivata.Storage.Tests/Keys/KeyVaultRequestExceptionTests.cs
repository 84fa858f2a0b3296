using System.Security.Cryptography;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Secrets;

namespace Imprivata.Storage.Tests.Keys;

/// <summary>A vault's refusal, as the service reports it: status, error code and a hint, never the token or the vault's text.</summary>
public sealed class KeyVaultRequestExceptionTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();

    public void Dispose() => _vault.Dispose();

    [Theory]
    [InlineData(401, "Unauthorized")]
    [InlineData(403, "Forbidden")]
    [InlineData(429, "Throttled")]
    [InlineData(500, "InternalServerError")]
    public async Task VaultRefusesAnUnwrap_ClearExceptionWithoutSecrets(int status, string code)
    {
        var kek = _vault.AddKekVersion(DateTimeOffset.UtcNow.AddDays(-1));
        var wrapped = new WrappedKey(FakeKeyVault.KekName, kek.Id, "RSA-OAEP-256",
            kek.Key.Encrypt(RandomNumberGenerator.GetBytes(32), RSAEncryptionPadding.OaepSHA256));
        _vault.FailWith = status;

        var e = await Assert.ThrowsAsync<KeyVaultRequestException>(
            () => new KeyVaultKeyEncryptionKey(_vault.NewClient(), FakeKeyVault.KekName).UnwrapAsync(wrapped, default));

        Assert.Equal((status, code), (e.Status, e.ErrorCode));
        Assert.Contains($"Key Vault answered {status} to unwrapKey of key '{FakeKeyVault.KekName}' (error code {code})", e.Message);
        Assert.DoesNotContain(_vault.Credential.Token, e.ToString());
        Assert.DoesNotContain("rejected", e.ToString()); // the vault's free text is not repeated
        Assert.DoesNotContain(Convert.ToBase64String(wrapped.Value)[..16], e.ToString());
        Assert.Null(e.InnerException);
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(7) : null, e.RetryAfter);
    }

    [Fact]
    public async Task VaultUnreachable_SaysSo()
    {
        var gone = new FakeKeyVault();
        var kek = new KeyVaultKeyEncryptionKey(gone.NewClient(), FakeKeyVault.KekName);
        gone.Dispose(); // nothing listens on the vault's port any more

        var e = await Assert.ThrowsAsync<KeyVaultRequestException>(() => kek.GetCurrentVersionAsync(default));

        Assert.Equal(0, e.Status);
        Assert.Contains("did not answer get of key", e.Message);
    }
}
