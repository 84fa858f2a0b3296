using System.Globalization;
using OtpNet;

namespace Imprivata.Core.Mfa.HardwareTokens;

/// <summary>Token seeds as vendors ship them: hex (even length, 0-9a-f) or RFC 4648 base32 (A-Z2-7, optional '=' padding).</summary>
public static class TokenSeed
{
    public const int MinBytes = 16;
    public const int MaxBytes = 64;

    /// <summary>Null when the text is neither. Hex wins for text that is both (all digits, even length).</summary>
    public static byte[]? Parse(string text)
    {
        var t = text.Trim().Replace(" ", "", StringComparison.Ordinal);
        if (t.Length == 0)
            return null;
        if (t.Length % 2 == 0 && t.All(char.IsAsciiHexDigit))
            return Convert.FromHexString(t);
        var unpadded = t.TrimEnd('=').ToUpper(CultureInfo.InvariantCulture);
        if (!unpadded.All(c => c is >= 'A' and <= 'Z' or >= '2' and <= '7'))
            return null;
        try
        {
            return Base32Encoding.ToBytes(unpadded);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
