using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Functions.Admin;

/// <summary>Random tokens and their constant-time comparison.</summary>
public static class SecretText
{
    /// <summary>256 random bits, base64url.</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Constant-time equality, so a CSRF token cannot be guessed byte by byte from response timing.</summary>
    public static bool FixedTimeEquals(string? a, string? b)
    {
        if (a is null || b is null)
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
    }

    /// <summary>The storage key of a session: its SHA-256, hex.</summary>
    public static string SessionKey(string sessionId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)));
}
