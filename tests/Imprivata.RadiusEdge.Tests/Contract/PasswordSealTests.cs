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
