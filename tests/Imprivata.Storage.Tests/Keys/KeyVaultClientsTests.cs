using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Azure.Security.KeyVault.Keys;
using Imprivata.Storage.KeyVault;

namespace Imprivata.Storage.Tests.Keys;

/// <summary>
/// The service's Key Vault client against the fake vault, which enforces the REST contract: the 401 challenge, the token's
/// scope and tenant, api-version, https only, and no request anywhere but the configured vault.
/// </summary>
public sealed class KeyVaultClientsTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();
    private readonly FakeKeyVault.Version _version;

    public KeyVaultClientsTests() => _version = _vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-1));

    public void Dispose() => _vault.Dispose();

    private static async Task<List<KeyProperties>> VersionsAsync(KeyClient client)
    {
        var versions = new List<KeyProperties>();
        await foreach (var version in client.GetPropertiesOfKeyVersionsAsync(FakeKeyVault.KeyName))
            versions.Add(version);
        return versions;
    }

    [Fact]
    public async Task Create_NewVault_ChallengedOnce_ThenTokenForTheVaultResourceInItsTenant()
    {
        var client = _vault.NewClient();

        await client.GetKeyAsync(FakeKeyVault.KeyName, _version.Id);
        await client.GetKeyAsync(FakeKeyVault.KeyName, _version.Id);

        Assert.Empty(_vault.Violations);
        Assert.Equal(1, _vault.Challenges);
        Assert.Equal([FakeKeyVault.Resource + "/.default"], _vault.Credential.Scopes.Distinct());
        Assert.Equal([FakeKeyVault.TenantId], _vault.Credential.Tenants.Distinct());
        Assert.Equal(2, _vault.Requests.Count);
    }

    [Fact]
    public async Task Create_SignThroughTheSharedPipeline_BodyHeldBackUntilAuthenticated()
    {
        var client = _vault.NewClient();
        var digest = SHA256.HashData("header.payload"u8);

        // The first request of this vault is the sign itself: the SDK strips its body until the challenge is answered.
        var signature = await client.GetCryptographyClient(FakeKeyVault.KeyName, _version.Id)
            .SignAsync(Azure.Security.KeyVault.Keys.Cryptography.SignatureAlgorithm.RS256, digest);

        Assert.Empty(_vault.Violations); // no body before the token, then {"alg":"RS256","value":...} with it
        Assert.Equal(1, _vault.Challenges);
        Assert.Contains($"POST /keys/{FakeKeyVault.KeyName}/{_version.Id}/sign", _vault.Requests);
        Assert.True(_version.Key.VerifyHash(digest, signature.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Create_VersionsInSeveralPages_FollowsTheVaultsNextLinksWithTheToken()
    {
        var more = Enumerable.Range(0, 4).Select(i => _vault.AddVersion(DateTimeOffset.UtcNow.AddMinutes(i))).ToList();
        _vault.PageSize = 2;

        var versions = await VersionsAsync(_vault.NewClient());

        Assert.Empty(_vault.Violations); // every page carried api-version=7.6 and the bearer token
        Assert.Equal(3, _vault.Requests.Count);
        Assert.Equal(more.Select(v => v.Id).Prepend(_version.Id).Order(), versions.Select(v => v.Version).Order());
    }

    [Fact]
    public async Task Create_NextLinkToAnotherAuthority_RefusedBeforeAnythingIsSent()
    {
        var elsewhere = new ConcurrentQueue<string>();
        using var other = new LoopbackHttpPeer(context =>
        {
            elsewhere.Enqueue(context.Request.Headers["Authorization"] ?? "no token");
            context.Response.StatusCode = (int)HttpStatusCode.NotFound;
            return Task.CompletedTask;
        });
        _vault.NextLink = $"https://127.0.0.1:{other.Port}/keys/{FakeKeyVault.KeyName}/versions?api-version={FakeKeyVault.ApiVersion}";

        var refused = await Assert.ThrowsAsync<KeyVaultRequestException>(() => VersionsAsync(_vault.NewClient()));

        Assert.Contains("refused", refused.Message);
        Assert.Empty(elsewhere);
        Assert.Single(_vault.Requests);
    }

    [Fact]
    public void Create_PlainHttpVault_Throws()
    {
        Assert.Throws<ArgumentException>(() => KeyVaultClients.Create(new Uri($"http://127.0.0.1:{_vault.Port}/"), _vault.Credential, FakeKeyVault.Options()));
    }

    [Fact]
    public void DefaultOptions_KeepTheChallengeResourceCheck_AndTheTestedServiceVersion()
    {
        var options = KeyVaultClients.DefaultOptions();

        // Production verifies that the challenge's resource matches the vault's host (*.vault.azure.net): a server that is not
        // the vault cannot obtain a token for another resource.
        Assert.False(options.DisableChallengeResourceVerification);
        Assert.Equal(KeyClientOptions.ServiceVersion.V7_6, options.Version);
    }
}
