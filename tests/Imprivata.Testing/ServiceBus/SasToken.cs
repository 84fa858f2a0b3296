using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Testing.ServiceBus;

/// <summary>
/// Checks a Service Bus shared access signature the way the service does: <c>SharedAccessSignature sr=..&amp;sig=..&amp;se=..&amp;skn=..</c>,
/// signature = base64(HMAC-SHA256(key, url-encoded resource + "\n" + expiry)), for the expected rule and not expired.
/// </summary>
public static class SasToken
{
    private const string Prefix = "SharedAccessSignature ";

    /// <summary>The resource (<c>sr</c>) of a valid token, or null when it does not verify.</summary>
    public static string? Verify(string token, string keyName, string key, DateTimeOffset now)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var fields = token[Prefix.Length..].Split('&')
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0])
            .ToDictionary(g => g.Key, g => g.First()[1]);
        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature) ||
            !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var name))
            return null;
        if (name != keyName || !long.TryParse(expiry, out var seconds) || DateTimeOffset.FromUnixTimeSeconds(seconds) <= now)
            return null;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(resource + "\n" + expiry));
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(WebUtility.UrlDecode(signature));
        }
        catch (FormatException)
        {
            return null;
        }
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? WebUtility.UrlDecode(resource) : null;
    }
}
