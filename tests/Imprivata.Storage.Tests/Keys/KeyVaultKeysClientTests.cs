using System.Security.Cryptography;
using Imprivata.Storage.KeyVault;

namespace Imprivata.Storage.Tests.Keys;

public sealed class KeyVaultKeysClientTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();
    private readonly FakeKeyVault.Version _version;
    private readonly byte[] _digest = SHA256.HashData("header.payload"u8);

    public KeyVaultKeysClientTests() => _version = _vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-1));

    public void Dispose() => _vault.Dispose();

    [Fact]
    public async Task SignRs256Async_DocumentedRequest_ReturnsSignatureOfTheVaultKey()
    {
        var signature = await _vault.NewClient().SignRs256Async(FakeKeyVault.KeyName, _version.Id, _digest, default);

        Assert.Empty(_vault.Violations);
        Assert.Equal([$"POST /keys/{FakeKeyVault.KeyName}/{_version.Id}/sign"], _vault.Requests);
        Assert.Equal([KeyVaultKeysClient.Scope], _vault.Credential.Scopes.Distinct());
        Assert.True(_version.Key.VerifyHash(_digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void SignRs256_Synchronous_SameRequestShape()
    {
        var signature = _vault.NewClient().SignRs256(FakeKeyVault.KeyName, _version.Id, _digest);

        Assert.Empty(_vault.Violations);
        Assert.True(_version.Key.VerifyHash(_digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task SignRs256Async_DigestNotSha256Sized_ThrowsWithoutCallingVault()
    {
        await Assert.ThrowsAsync<CryptographicException>(() => _vault.NewClient().SignRs256Async(FakeKeyVault.KeyName, _version.Id, new byte[48], default));

        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public async Task GetKeyAsync_Version_ReturnsPublicKeyAndAttributes()
    {
        var key = await _vault.NewClient().GetKeyAsync(FakeKeyVault.KeyName, _version.Id, default);

        Assert.Empty(_vault.Violations);
        Assert.Equal(_version.Key.ExportParameters(false).Modulus, key.PublicKey.Modulus);
        Assert.Equal(_version.Id, key.Attributes.Version);
        Assert.Equal(_version.Created.ToUnixTimeSeconds(), key.Attributes.Created.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task GetVersionsAsync_Key_ListsEveryVersionWithAttributes()
    {
        var disabled = _vault.AddVersion(DateTimeOffset.UtcNow, enabled: false);

        var versions = await _vault.NewClient().GetVersionsAsync(FakeKeyVault.KeyName, default);

        Assert.Empty(_vault.Violations);
        Assert.Equal([$"GET /keys/{FakeKeyVault.KeyName}/versions"], _vault.Requests);
        Assert.True(versions.Single(v => v.Version == _version.Id).Enabled);
        Assert.False(versions.Single(v => v.Version == disabled.Id).Enabled);
    }

    [Fact]
    public async Task GetVersionsAsync_SeveralPages_FollowsTheVaultsNextLinksWithTheBearerToken()
    {
        var more = Enumerable.Range(0, 4).Select(i => _vault.AddVersion(DateTimeOffset.UtcNow.AddMinutes(i))).ToList();
        _vault.PageSize = 2;

        var versions = await _vault.NewClient().GetVersionsAsync(FakeKeyVault.KeyName, default);

        Assert.Empty(_vault.Violations); // every page carried api-version=7.4 and the bearer token
        Assert.Equal(3, _vault.Requests.Count);
        Assert.Equal(more.Select(v => v.Id).Prepend(_version.Id).Order(), versions.Select(v => v.Version).Order());
    }

    [Fact]
    public async Task GetVersionsAsync_NextLinkOutsideVault_ThrowsWithoutFollowing()
    {
        _vault.NextLink = "https://attacker.example/keys/idp-signing/versions?api-version=7.4";

        await Assert.ThrowsAsync<KeyVaultRequestException>(() => _vault.NewClient().GetVersionsAsync(FakeKeyVault.KeyName, default));

        Assert.Single(_vault.Requests);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task SignRs256Async_VaultFails_ClearExceptionWithoutSecrets(int status)
    {
        _vault.FailWith = status;

        var e = await Assert.ThrowsAsync<KeyVaultRequestException>(
            () => _vault.NewClient(maxRetries: 1).SignRs256Async(FakeKeyVault.KeyName, _version.Id, _digest, default));

        Assert.Equal(status, e.Status);
        Assert.Contains($"Key Vault answered {status} to sign of key '{FakeKeyVault.KeyName}'", e.Message);
        Assert.DoesNotContain(_vault.Credential.Token, e.ToString());
        Assert.DoesNotContain("rejected", e.Message); // the vault's free text is not repeated
        Assert.DoesNotContain(Convert.ToBase64String(_digest), e.ToString());
        if (status == 429)
            Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
    }

    [Fact]
    public void Constructor_PlainHttpVault_Throws()
    {
        Assert.Throws<ArgumentException>(() => new KeyVaultKeysClient(new Uri($"http://127.0.0.1:{_vault.Port}/"), _vault.Credential));
    }
}
