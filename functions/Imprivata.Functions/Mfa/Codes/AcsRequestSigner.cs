using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>
/// Azure Communication Services access-key authentication ("Sign an HTTP request with HMAC", ACS docs): the string to
/// sign is "{METHOD}\n{path and query}\n{x-ms-date};{host};{x-ms-content-sha256}", signed with HMAC-SHA256 under the
/// base64-decoded access key, and sent as "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&amp;Signature=…".
/// </summary>
public static class AcsRequestSigner
{
    public const string SignedHeaders = "x-ms-date;host;x-ms-content-sha256";

    public static void Sign(HttpRequestMessage request, byte[] body, byte[] accessKey, DateTimeOffset now)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("Request has no URI.", nameof(request));
        var date = now.ToString("r", CultureInfo.InvariantCulture);
        var contentHash = Convert.ToBase64String(SHA256.HashData(body));
        var stringToSign = $"{request.Method.Method.ToUpperInvariant()}\n{uri.PathAndQuery}\n{date};{uri.Authority};{contentHash}";
        var signature = Convert.ToBase64String(HMACSHA256.HashData(accessKey, Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.Add("x-ms-date", date);
        request.Headers.Add("x-ms-content-sha256", contentHash);
        request.Headers.TryAddWithoutValidation("Authorization", $"HMAC-SHA256 SignedHeaders={SignedHeaders}&Signature={signature}");
    }
}
