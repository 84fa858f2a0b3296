using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Mfa.Push;

namespace Imprivata.Core.Tests.Mfa.Push;

public class PushSignatureTests
{
    internal static byte[] FromBase64Url(string s) =>
        Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4));

    [Fact]
    public void DecisionBytes_Canonical_BindsChallengeDecisionAndNumber()
    {
        Assert.Equal("imprivata-push-decision-v1\nabc\napprove\n42", Encoding.UTF8.GetString(PushSignature.DecisionBytes("abc", PushDecisionKind.Approve, "42")));
        Assert.Equal("imprivata-push-decision-v1\nabc\nfraud\n", Encoding.UTF8.GetString(PushSignature.DecisionBytes("abc", PushDecisionKind.ReportFraud, null)));
    }

    [Fact]
    public void Verify_P1363SignatureFromDeviceKey_True()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = PushSignature.DecisionBytes("c1", PushDecisionKind.Approve, "17");
        var signature = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.True(PushSignature.Verify(key.ExportSubjectPublicKeyInfo(), data, signature));
        Assert.False(PushSignature.Verify(key.ExportSubjectPublicKeyInfo(), PushSignature.DecisionBytes("c1", PushDecisionKind.Approve, "18"), signature));
    }

    [Fact]
    public void Verify_DerEncodedSignature_False()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = Encoding.UTF8.GetBytes("x");
        var der = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.False(PushSignature.Verify(key.ExportSubjectPublicKeyInfo(), data, der));
    }

    [Fact]
    public void IsP256PublicKey_OtherCurvesRsaAndJunk_False()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.True(PushSignature.IsP256PublicKey(p256.ExportSubjectPublicKeyInfo()));
        Assert.False(PushSignature.IsP256PublicKey(p384.ExportSubjectPublicKeyInfo()));
        Assert.False(PushSignature.IsP256PublicKey(rsa.ExportSubjectPublicKeyInfo()));
        Assert.False(PushSignature.IsP256PublicKey([1, 2, 3]));
        Assert.False(PushSignature.IsP256PublicKey([.. p256.ExportSubjectPublicKeyInfo(), 0]));
    }
}
