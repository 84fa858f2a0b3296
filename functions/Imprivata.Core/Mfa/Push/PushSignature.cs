using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Core.Mfa.Push;

/// <summary>What the device decides about a challenge; part of the signed bytes.</summary>
public enum PushDecisionKind
{
    Approve = 0,
    Deny = 1,
    /// <summary>Deny and report that the user did not start this sign-in.</summary>
    ReportFraud = 2,
}

/// <summary>
/// The bytes an approver device signs and how they are checked: ECDSA P-256 with SHA-256 over a canonical text that binds
/// the challenge id, the decision and the entered number, so a signature cannot be moved to another challenge, turned from
/// deny into approve, or paired with another number. Signatures are IEEE P1363 (r || s, 64 bytes), WebCrypto's format.
/// </summary>
public static class PushSignature
{
    public const string DecisionContext = "imprivata-push-decision-v1";
    public const string RequestContext = "imprivata-push-device-request-v1";

    public static string Name(this PushDecisionKind decision) => decision switch
    {
        PushDecisionKind.Approve => "approve",
        PushDecisionKind.Deny => "deny",
        PushDecisionKind.ReportFraud => "fraud",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    public static bool TryParse(string? name, out PushDecisionKind decision)
    {
        foreach (var d in Enum.GetValues<PushDecisionKind>())
        {
            if (string.Equals(d.Name(), name, StringComparison.Ordinal))
            {
                decision = d;
                return true;
            }
        }
        decision = default;
        return false;
    }

    /// <summary>"imprivata-push-decision-v1\n{challengeId}\n{decision}\n{number}" in UTF-8; number is "" when none was entered.</summary>
    public static byte[] DecisionBytes(string challengeId, PushDecisionKind decision, string? enteredNumber) =>
        Encoding.UTF8.GetBytes($"{DecisionContext}\n{challengeId}\n{decision.Name()}\n{enteredNumber ?? ""}");

    /// <summary>A device's signed API request: method, path, user, device, unix time and a fresh nonce, one per line.</summary>
    public static byte[] RequestBytes(string method, string path, string userId, string enrollmentId, long unixSeconds, string nonce) =>
        Encoding.UTF8.GetBytes($"{RequestContext}\n{method.ToUpperInvariant()}\n{path}\n{userId}\n{enrollmentId}\n{unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n{nonce}");

    /// <summary>True for a valid P-256 SubjectPublicKeyInfo; anything else (other curves, RSA, junk) is refused at enrollment.</summary>
    public static bool IsP256PublicKey(byte[] spki)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length)
                return false;
            var parameters = key.ExportParameters(false);
            return parameters.Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Verifies a P1363 ECDSA P-256 / SHA-256 signature; a malformed key or signature is simply "not valid".</summary>
    public static bool Verify(byte[] publicKeySpki, byte[] data, byte[] signature)
    {
        if (signature.Length != 64 || !IsP256PublicKey(publicKeySpki))
            return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(publicKeySpki, out _);
            return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
