using System.Security.Cryptography;
using System.Text.Json;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Tests.Contract;

public class PasswordSealTests
{
    private static readonly RSA Backend = RSA.Create(2048);

    [Fact]
    public void SealThenOpen_SameRequest_GivesThePassword()
    {
        var sealedPassword = PasswordSeal.Seal("arctangent"u8, Backend, "k1", "req-1", "edge-1");

        Assert.Equal("arctangent"u8.ToArray(), PasswordSeal.Open(sealedPassword, Backend, "req-1", "edge-1"));
        Assert.Equal("RSA-OAEP-256+A256GCM", sealedPassword.Alg);
    }

    [Theory]
    [InlineData("req-2", "edge-1")]
    [InlineData("req-1", "edge-2")]
    public void Open_InAnotherRequestOrEdge_Fails(string requestId, string edgeId)
    {
        var sealedPassword = PasswordSeal.Seal("arctangent"u8, Backend, null, "req-1", "edge-1");

        Assert.ThrowsAny<CryptographicException>(() => PasswordSeal.Open(sealedPassword, Backend, requestId, edgeId));
    }

    [Fact]
    public async Task OpenAsync_UnwrapElsewhere_GivesThePasswordAndPassesTheKeyId()
    {
        var sealedPassword = PasswordSeal.Seal("arctangent"u8, Backend, "k1", "req-1", "edge-1");
        string? askedFor = null;

        var opened = await PasswordSeal.OpenAsync(sealedPassword, (wrapped, kid, _) =>
        {
            askedFor = kid;
            return Task.FromResult(Backend.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA256));
        }, "req-1", "edge-1", CancellationToken.None);

        Assert.Equal("arctangent"u8.ToArray(), opened);
        Assert.Equal("k1", askedFor);
    }

    [Fact]
    public async Task OpenAsync_InAnotherRequestOrAShortKey_Fails()
    {
        var sealedPassword = PasswordSeal.Seal("arctangent"u8, Backend, null, "req-1", "edge-1");
        Task<byte[]> Unwrap(byte[] wrapped, string? kid, CancellationToken ct) => Task.FromResult(Backend.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA256));

        await Assert.ThrowsAnyAsync<CryptographicException>(() => PasswordSeal.OpenAsync(sealedPassword, Unwrap, "req-2", "edge-1", CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() =>
            PasswordSeal.OpenAsync(sealedPassword, (_, _, _) => Task.FromResult(new byte[16]), "req-1", "edge-1", CancellationToken.None));
        await Assert.ThrowsAnyAsync<CryptographicException>(() =>
            PasswordSeal.OpenAsync(sealedPassword with { Iv = "%%" }, Unwrap, "req-1", "edge-1", CancellationToken.None));
    }

    [Fact]
    public void Seal_SamePasswordTwice_DiffersEachTime()
    {
        var a = PasswordSeal.Seal("arctangent"u8, Backend, null, "r", "e");
        var b = PasswordSeal.Seal("arctangent"u8, Backend, null, "r", "e");

        Assert.NotEqual(a.Ciphertext, b.Ciphertext);
        Assert.NotEqual(a.EncryptedKey, b.EncryptedKey);
    }

    [Fact]
    public void Serialize_Decision_UsesVersionedCamelCaseJson()
    {
        var json = JsonSerializer.Serialize(new Decision { RequestId = "r", EdgeId = "e", Kind = DecisionKind.Challenge, State = "AAEC" },
            BridgeContract.Json);

        Assert.Equal("""{"version":1,"type":"radius.decision","requestId":"r","edgeId":"e","kind":"challenge","state":"AAEC"}""", json);
    }
}
