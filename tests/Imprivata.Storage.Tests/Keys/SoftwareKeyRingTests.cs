using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Azure.Data.Tables;
using Imprivata.Core.Keys;
using Imprivata.Storage.Keys;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Keys;

public class SoftwareKeyRingTests
{
    private readonly TableStorageOptions _storage = Azurite.NewTables();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly KeyRingOptions _options = new();

    private SoftwareKeyRing NewRing() => new(new TableSet(_storage), _options, _time, NullLogger<SoftwareKeyRing>.Instance);

    private async Task<List<TableEntity>> RowsAsync()
    {
        var table = await new TableSet(_storage).GetAsync("SigningKeys");
        return await table.QueryAsync<TableEntity>().ToListAsync();
    }

    [Fact]
    public async Task GetActiveKeyAsync_EmptyRing_CreatesOneKeyActiveAtOnce()
    {
        var ring = NewRing();

        var key = await ring.GetActiveKeyAsync(default);

        Assert.Equal(_time.GetUtcNow(), key.ActivatesAt);
        Assert.Equal([key.KeyId], (await ring.GetPublishedKeysAsync(default)).Select(k => k.KeyId));
        Assert.Single(await RowsAsync());
    }

    [Fact]
    public async Task GetActiveKeyAsync_RingsRacingOnEmptyTable_AllUseTheSameKey()
    {
        var rings = Enumerable.Range(0, 4).Select(_ => NewRing()).ToList();

        var keys = await Task.WhenAll(rings.Select(r => Task.Run(() => r.GetActiveKeyAsync(default))));

        Assert.Single(keys.Select(k => k.KeyId).Distinct());
        Assert.Single(await RowsAsync());
    }

    [Fact]
    public async Task MaintainAsync_RingsRacingAtRotation_CreateOneSuccessor()
    {
        await NewRing().GetActiveKeyAsync(default);
        _time.Advance(TimeSpan.FromDays(90) - TimeSpan.FromHours(48));
        var rings = Enumerable.Range(0, 4).Select(_ => NewRing()).ToList();

        await Task.WhenAll(rings.Select(r => Task.Run(() => r.MaintainAsync(default))));

        Assert.Equal(2, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task MaintainAsync_NinetyDaysMinusPrePublication_PublishesSuccessorNotYetActive()
    {
        var ring = NewRing();
        var first = await ring.GetActiveKeyAsync(default);
        _time.Advance(TimeSpan.FromDays(90) - TimeSpan.FromHours(48));

        var change = await ring.MaintainAsync(default);

        Assert.True(change.Changed);
        var published = await ring.GetPublishedKeysAsync(default);
        Assert.Equal(2, published.Count);
        var successor = published.Single(k => k.KeyId != first.KeyId);
        Assert.Equal(first.ActivatesAt + TimeSpan.FromDays(90), successor.ActivatesAt);
        Assert.Equal(first.KeyId, (await ring.GetActiveKeyAsync(default)).KeyId);
    }

    [Fact]
    public async Task GetActiveKeyAsync_AfterSuccessorActivates_SuccessorSignsAndOldStaysPublishedUntilGraceEnds()
    {
        var ring = NewRing();
        var first = await ring.GetActiveKeyAsync(default);
        _time.Advance(TimeSpan.FromDays(90) - TimeSpan.FromHours(48));
        await ring.MaintainAsync(default);

        _time.Advance(TimeSpan.FromHours(48));
        var active = await ring.GetActiveKeyAsync(default);
        Assert.NotEqual(first.KeyId, active.KeyId);
        Assert.Contains(first.KeyId, (await ring.GetPublishedKeysAsync(default)).Select(k => k.KeyId));

        _time.Advance(TimeSpan.FromDays(15) - TimeSpan.FromSeconds(1));
        Assert.Contains(first.KeyId, (await ring.GetPublishedKeysAsync(default)).Select(k => k.KeyId));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(first.KeyId, (await ring.GetPublishedKeysAsync(default)).Select(k => k.KeyId));
        await ring.MaintainAsync(default);
        Assert.DoesNotContain(first.KeyId, (await RowsAsync()).Select(r => r.GetString("KeyId")));
    }

    [Fact]
    public async Task GetActiveKeyAsync_WithinCacheRefresh_ServedFromMemory()
    {
        var ring = NewRing();
        var key = await ring.GetActiveKeyAsync(default);
        var table = await new TableSet(_storage).GetAsync("SigningKeys");
        foreach (var row in await RowsAsync())
            await table.DeleteEntityAsync(row);
        _time.Advance(_options.CacheRefresh - TimeSpan.FromSeconds(1));

        Assert.Equal(key.KeyId, (await ring.GetActiveKeyAsync(default)).KeyId);
    }

    [Fact]
    public async Task GetActiveKeyAsync_SecondInstance_LoadsStoredPkcs8KeyAndCertificate()
    {
        var created = await NewRing().GetActiveKeyAsync(default);

        var loaded = await NewRing().GetActiveKeyAsync(default);

        Assert.Equal(created.KeyId, loaded.KeyId);
        Assert.Equal(created.Certificate.RawData, loaded.Certificate.RawData);
        var row = Assert.Single(await RowsAsync());
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(row.GetBinary("PrivateKey"), out _);
        Assert.Equal(created.KeyId, JwkThumbprint.OfRsa(rsa.ExportParameters(false)));
    }

    [Fact]
    public async Task ActiveKey_Signature_VerifiesWithPublishedKeyAndCertificate()
    {
        var ring = NewRing();
        var active = await ring.GetActiveKeyAsync(default);
        var data = Encoding.UTF8.GetBytes("header.payload");

        var signature = active.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var published = (await ring.GetPublishedKeysAsync(default)).Single(k => k.KeyId == active.KeyId);
        using var jwk = RSA.Create(published.Rsa.ExportParameters(false));
        Assert.True(jwk.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var fromCertificate = published.Certificate.GetRSAPublicKey()!;
        Assert.True(fromCertificate.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(published.Certificate.HasPrivateKey);
        Assert.Equal(2048, active.Rsa.KeySize);
    }

    [Fact]
    public async Task ActiveKey_Certificate_ValidForThePublishedLifetime()
    {
        var key = await NewRing().GetActiveKeyAsync(default);

        Assert.Equal(key.CreatedAt.UtcDateTime, key.Certificate.NotBefore.ToUniversalTime());
        Assert.Equal((key.ActivatesAt + TimeSpan.FromDays(90 + 15)).UtcDateTime, key.Certificate.NotAfter.ToUniversalTime());
    }
}
