using Azure.Security.KeyVault.Keys;
using Imprivata.Core.Keys;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Keys;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Keys;
using Imprivata.Storage.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Keys;

public class KeyRingSetupTests
{
    private static WebApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStorage();
        return builder;
    }

    [Fact]
    public void AddKeyRing_Default_RegistersSoftwareRingAndBindsKeyOptions()
    {
        var builder = Builder(new() { ["Imprivata:Keys:PostRetirement"] = "20.00:00:00" });

        builder.AddKeyRing();

        using var services = builder.Services.BuildServiceProvider();
        Assert.IsType<SoftwareKeyRing>(services.GetRequiredService<ISigningKeyRing>());
        Assert.Equal(TimeSpan.FromDays(20), services.GetRequiredService<KeyRingOptions>().PostRetirement);
        Assert.Null(services.GetService<IKeyEncryptionKey>());
        Assert.False(services.GetRequiredService<SecretKeys>().Sealed);
    }

    [Fact]
    public void AddKeyRing_KeyVault_RegistersKeyVaultRing()
    {
        var builder = Builder(new()
        {
            ["Imprivata:KeyProvider"] = "keyvault",
            ["Imprivata:KeyVaultUrl"] = "https://example.vault.azure.net/",
        });

        builder.AddKeyRing();

        using var services = builder.Services.BuildServiceProvider();
        Assert.IsType<KeyVaultKeyRing>(services.GetRequiredService<ISigningKeyRing>());
        // The Secrets table's data keys are sealed by the vault's key-encryption key, a key of its own.
        Assert.Equal("data-kek", Assert.IsType<KeyVaultKeyEncryptionKey>(services.GetRequiredService<IKeyEncryptionKey>()).KeyName);
        Assert.True(services.GetRequiredService<SecretKeys>().Sealed);
        // A server that is not the vault must not obtain a token: the challenge's resource has to match the vault's host.
        Assert.False(services.GetRequiredService<KeyClientOptions>().DisableChallengeResourceVerification);
        Assert.Equal(new Uri("https://example.vault.azure.net/"), services.GetRequiredService<KeyClient>().VaultUri);
    }

    [Theory]
    [InlineData("")]
    [InlineData("idp-signing")] // the signing key: one key, one purpose
    public void AddKeyRing_KeyVaultWithoutAKeyEncryptionKeyOfItsOwn_ThrowsAtStart(string wrapKeyName)
    {
        var builder = Builder(new()
        {
            ["Imprivata:KeyProvider"] = "keyvault",
            ["Imprivata:KeyVaultUrl"] = "https://example.vault.azure.net/",
            ["Imprivata:KeyVaultWrapKeyName"] = wrapKeyName,
        });

        var refused = Assert.Throws<InvalidOperationException>(builder.AddKeyRing);
        Assert.Contains("KeyVaultWrapKeyName", refused.Message);
    }

    [Theory]
    [InlineData("keyvault", null)]
    [InlineData("keyvault", "http://example.vault.azure.net/")]
    [InlineData("hsm", null)]
    public void AddKeyRing_Misconfigured_ThrowsAtStart(string provider, string? url)
    {
        var builder = Builder(new() { ["Imprivata:KeyProvider"] = provider, ["Imprivata:KeyVaultUrl"] = url });

        Assert.Throws<InvalidOperationException>(builder.AddKeyRing);
    }

    [Theory]
    [InlineData("PrePublication", "00:01:00")]
    [InlineData("PostRetirement", "00:30:00")] // shorter than the access token's hour: its key would vanish from the JWKS first
    [InlineData("PostRetirement", "01:04:59")] // an instance may sign with the old key for up to CacheRefresh (5 min) after it retired
    public void AddKeyRing_UnsafeRotationSettings_ThrowsAtStart(string setting, string value)
    {
        var builder = Builder(new() { ["Imprivata:Keys:" + setting] = value });

        var refused = Assert.Throws<InvalidOperationException>(builder.AddKeyRing);
        Assert.Contains(setting, refused.Message);
    }

    [Fact]
    public void AddKeyRing_PostRetirementCoveringTheLongestTokenAndARefresh_Accepted()
    {
        var builder = Builder(new() { ["Imprivata:Keys:PostRetirement"] = "01:05:00" });

        builder.AddKeyRing();

        Assert.Equal(Imprivata.Functions.Oidc.OidcSetup.AccessTokenLifetime, Imprivata.Functions.Oidc.OidcSetup.LongestSignedTokenLifetime);
    }
}
