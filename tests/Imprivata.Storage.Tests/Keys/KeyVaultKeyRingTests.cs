using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imprivata.Core.Keys;
using Imprivata.Storage.KeyVault;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Keys;

public sealed class KeyVaultKeyRingTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _vault.Dispose();

    private KeyVaultKeyRing NewRing() =>
        new(_vault.NewClient(), FakeKeyVault.KeyName, new KeyRingOptions(), _time, NullLogger<KeyVaultKeyRing>.Instance);

    private static string KeyIdOf(FakeKeyVault.Version version) => JwkThumbprint.OfRsa(version.Key.ExportParameters(false));

    [Fact]
    public async Task GetActiveKeyAsync_FirstVersionJustCreated_SignsAtOnce()
    {
        var version = _vault.AddVersion(_time.GetUtcNow().AddMinutes(-5));

        var key = await NewRing().GetActiveKeyAsync(default);

        Assert.Equal(KeyIdOf(version), key.KeyId);
        Assert.Empty(_vault.Violations);
    }

    [Fact]
    public async Task GetActiveKeyAsync_NewVersion_ActivatesPrePublicationAfterCreation()
    {
        var old = _vault.AddVersion(_time.GetUtcNow().AddDays(-80));
        var rotated = _vault.AddVersion(_time.GetUtcNow());
        var ring = NewRing();

        Assert.Equal(KeyIdOf(old), (await ring.GetActiveKeyAsync(default)).KeyId);
        Assert.Equal(2, (await ring.GetPublishedKeysAsync(default)).Count);

        _time.Advance(TimeSpan.FromHours(48) - TimeSpan.FromSeconds(1));
        Assert.Equal(KeyIdOf(old), (await ring.GetActiveKeyAsync(default)).KeyId);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(KeyIdOf(rotated), (await ring.GetActiveKeyAsync(default)).KeyId);
        Assert.Contains(KeyIdOf(old), (await ring.GetPublishedKeysAsync(default)).Select(k => k.KeyId));

        _time.Advance(TimeSpan.FromDays(15));
        Assert.Equal([KeyIdOf(rotated)], (await ring.GetPublishedKeysAsync(default)).Select(k => k.KeyId));
    }

    [Fact]
    public async Task GetPublishedKeysAsync_DisabledOrExpiredVersions_Skipped()
    {
        var good = _vault.AddVersion(_time.GetUtcNow().AddDays(-30));
        _vault.AddVersion(_time.GetUtcNow().AddDays(-20), enabled: false);
        _vault.AddVersion(_time.GetUtcNow().AddDays(-10), expires: _time.GetUtcNow().AddMinutes(-1));

        var published = await NewRing().GetPublishedKeysAsync(default);

        Assert.Equal([KeyIdOf(good)], published.Select(k => k.KeyId));
    }

    [Fact]
    public async Task MaintainAsync_VaultNeverRotated_ReportsTheOverdueKey_ItsCertificateStillValid()
    {
        _vault.AddVersion(_time.GetUtcNow().AddDays(-120)); // the default lifetime is 90 days
        var ring = NewRing();

        var change = await ring.MaintainAsync(default);

        Assert.NotNull(change.Problem);
        Assert.Contains("rotation policy rotates P90D after creation, yet the vault made no newer version", change.Problem);
        var signing = await ring.GetActiveKeyAsync(default);
        Assert.True(signing.Certificate.NotAfter.ToUniversalTime() > _time.GetUtcNow().UtcDateTime.AddDays(30),
            $"certificate ends {signing.Certificate.NotAfter:O} while the key still signs");
        Assert.Empty(_vault.Violations);
    }

    [Theory]
    [InlineData("P180D", "rotates P180D after creation, later than the service's 90-day lifetime")]
    [InlineData(null, "has no rotate action")]
    public async Task MaintainAsync_Overdue_SaysWhatIsWrongWithTheRotationPolicy(string? rotateAfter, string advice)
    {
        _vault.AddVersion(_time.GetUtcNow().AddDays(-120));
        _vault.RotateAfter = rotateAfter;

        var change = await NewRing().MaintainAsync(default);

        Assert.Contains(advice, change.Problem);
    }

    [Fact]
    public async Task MaintainAsync_OverdueAndThePolicyUnreadable_StillReportsTheOverdueKey()
    {
        _vault.AddVersion(_time.GetUtcNow().AddDays(-120));
        _vault.RotationPolicyReadable = false;

        var change = await NewRing().MaintainAsync(default);

        Assert.Contains("has signed for longer than 90 days", change.Problem);
        Assert.Contains("could not read it: Key Vault answered 403", change.Problem);
    }

    [Fact]
    public async Task MaintainAsync_KeyWithinItsLifetime_NoProblem_PolicyNotRead()
    {
        _vault.AddVersion(_time.GetUtcNow().AddDays(-30));

        Assert.Null((await NewRing().MaintainAsync(default)).Problem);
        Assert.DoesNotContain(_vault.Requests, r => r.EndsWith("/rotationpolicy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetActiveKeyAsync_ManyTokens_NoKeyRequestsAfterFirstLoad()
    {
        var version = _vault.AddVersion(_time.GetUtcNow().AddDays(-30));
        var ring = NewRing();
        await ring.GetActiveKeyAsync(default);
        var requests = _vault.Requests.Count;

        for (var i = 0; i < 100; i++)
            await ring.GetActiveKeyAsync(default);
        _time.Advance(TimeSpan.FromMinutes(4));
        await ring.GetPublishedKeysAsync(default);
        var beforeToken = _vault.Requests.Count;
        (await ring.GetActiveKeyAsync(default)).Rsa.SignData("token"u8.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Equal(requests, beforeToken);
        // A token costs the vault's sign and nothing else: the public key is cached with the version.
        Assert.Equal([$"POST /keys/{FakeKeyVault.KeyName}/{version.Id}/sign"], _vault.Requests.Skip(beforeToken));
    }

    [Fact]
    public async Task GetPublishedKeysAsync_AfterCacheRefresh_SeesNewVersionWithoutReloadingKnownOnes()
    {
        var known = _vault.AddVersion(_time.GetUtcNow().AddDays(-30));
        var ring = NewRing();
        await ring.GetPublishedKeysAsync(default);
        var knownRequests = _vault.Requests.Count(r => r.Contains(known.Id, StringComparison.Ordinal));
        var rotated = _vault.AddVersion(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5));

        var published = await ring.GetPublishedKeysAsync(default);

        Assert.Contains(KeyIdOf(rotated), published.Select(k => k.KeyId));
        Assert.Equal(knownRequests, _vault.Requests.Count(r => r.Contains(known.Id, StringComparison.Ordinal)));
        Assert.Contains($"GET /keys/idp-signing/{rotated.Id}", _vault.Requests);
    }

    [Fact]
    public async Task PublishedKey_Certificate_SignedOnceRemotelyOverTheVaultKey()
    {
        var version = _vault.AddVersion(_time.GetUtcNow().AddDays(-30));
        var ring = NewRing();

        var key = (await ring.GetPublishedKeysAsync(default)).Single();
        await ring.GetPublishedKeysAsync(default);

        Assert.Equal(1, _vault.SignCount);
        using var certificateKey = key.Certificate.GetRSAPublicKey()!;
        Assert.Equal(version.Key.ExportParameters(false).Modulus, certificateKey.ExportParameters(false).Modulus);
        var data = "payload"u8.ToArray();
        var signature = key.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Assert.True(certificateKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal(version.Created.UtcDateTime, key.Certificate.NotBefore.ToUniversalTime());
    }

    [Fact]
    public async Task GetActiveKeyAsync_NoUsableVersion_Throws()
    {
        _vault.AddVersion(_time.GetUtcNow().AddDays(-30), enabled: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => NewRing().GetActiveKeyAsync(default));
    }
}
