using Imprivata.Core.Setup;
using Imprivata.Storage.Setup;

namespace Imprivata.Storage.Tests.Setup;

public sealed class KeyVaultSetupSecretTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();

    private KeyVaultSetupSecret Source(string name = FakeKeyVault.SetupSecretName) =>
        new(_vault.SecretUri(name), _vault.Credential, FakeKeyVault.SecretOptions());

    [Fact]
    public async Task ReadAsync_TheNewestVersion_WithItsVersionAndExpiry()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(7);
        _vault.SetSecret(FakeKeyVault.SetupSecretName, "old-value");
        var newest = _vault.SetSecret(FakeKeyVault.SetupSecretName, "fresh-value", expires);

        var secret = await Source().ReadAsync(CancellationToken.None);

        Assert.NotNull(secret);
        Assert.Equal(("fresh-value", newest.Id, true), (secret.Value, secret.Version, secret.Enabled));
        Assert.Equal(expires.ToUnixTimeSeconds(), secret.ExpiresOn?.ToUnixTimeSeconds());
        Assert.Empty(_vault.Violations);
        Assert.Contains($"GET /secrets/{FakeKeyVault.SetupSecretName}", _vault.Requests);
    }

    [Fact]
    public async Task ReadAsync_AnExpiredSecret_IsStillHandedOut_SoTheAppMustRefuseItItself()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, "stale", DateTimeOffset.UtcNow.AddDays(-1));

        var secret = await Source().ReadAsync(CancellationToken.None);

        Assert.Equal("stale", secret!.Value);
        Assert.False(secret.UsableAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task ReadAsync_NoSuchSecret_IsNull()
    {
        Assert.Null(await Source("no-such-secret").ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_ADisabledSecretOrAFailingVault_IsUnavailable_WithoutTheVaultsMessage()
    {
        _vault.SetSecret(FakeKeyVault.SetupSecretName, "value", enabled: false);
        var disabled = await Assert.ThrowsAsync<SetupSecretUnavailableException>(() => Source().ReadAsync(CancellationToken.None));
        Assert.Contains("403", disabled.Message);
        Assert.DoesNotContain("not allowed", disabled.Message);

        _vault.FailWith = 500;
        var failing = await Assert.ThrowsAsync<SetupSecretUnavailableException>(() => Source().ReadAsync(CancellationToken.None));
        Assert.DoesNotContain(_vault.Credential.Token, failing.Message);
    }

    [Fact]
    public void AnHttpSecretUri_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new KeyVaultSetupSecret(new Uri("http://vault.example/secrets/setup-secret"), _vault.Credential,
            FakeKeyVault.SecretOptions()));
    }

    public void Dispose() => _vault.Dispose();
}
