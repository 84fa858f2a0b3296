using System.Globalization;
using OtpNet;

namespace Imprivata.Core.Mfa.Otp;

/// <summary>
/// The otpauth:// URI authenticator apps scan (Google Authenticator "Key Uri Format"):
/// otpauth://totp/{issuer}:{account}?secret={base32}&amp;issuer={issuer}&amp;algorithm=SHA1&amp;digits=6&amp;period=30.
/// </summary>
public static class OtpAuthUri
{
    public static string For(string issuer, string account, byte[] secret, OtpParameters p)
    {
        var kind = p.Kind == OtpKind.Hotp ? "hotp" : "totp";
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(account);
        var query = $"secret={Base32(secret)}&issuer={Uri.EscapeDataString(issuer)}&algorithm={p.Algorithm.Name()}&digits={p.Digits.ToString(CultureInfo.InvariantCulture)}";
        query += p.Kind == OtpKind.Hotp ? "&counter=0" : "&period=" + p.Period.ToString(CultureInfo.InvariantCulture);
        return $"otpauth://{kind}/{label}?{query}";
    }

    /// <summary>Unpadded RFC 4648 base32, what authenticator apps expect.</summary>
    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

}
