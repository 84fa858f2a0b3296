using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>
/// The two secrets of the edge management contract: the one-time integration token an administrator pastes
/// (<c>imp-edge.&lt;base64url JSON {v,url,iid,secret}&gt;</c>) and the credential an edge gets when it connects. Both are 32
/// random octets; only their SHA-256 hashes are stored, and a presented credential is compared hash to hash in constant time.
/// </summary>
public static class EdgeSecrets
{
    public const string TokenPrefix = "imp-edge.";
    private const int MaxTokenLength = 2048;

    /// <summary>What an integration token carries: the backend's URL, the integration ID and the secret.</summary>
    public sealed record TokenBody(int V, string Url, string Iid, string Secret);

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>base64url(SHA-256(UTF-8 of the secret as sent)).</summary>
    public static string Hash(string secret) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Whether <paramref name="presented"/> is the credential of <paramref name="storedHash"/>, in time independent of where they differ.</summary>
    public static bool Matches(string? presented, string storedHash)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 256 || string.IsNullOrEmpty(storedHash))
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(presented)), Encoding.ASCII.GetBytes(storedHash));
    }

    public static string FormatToken(Uri url, string integrationId, string secret) =>
        TokenPrefix + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(
            new TokenBody(1, url.ToString().TrimEnd('/'), integrationId, secret), TokenJson));

    /// <summary>The token's body, or null for anything that is not a version 1 integration token.</summary>
    public static TokenBody? ReadToken(string? token)
    {
        if (token is null || token.Length > MaxTokenLength || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
            return null;
        var encoded = token.AsSpan(TokenPrefix.Length);
        var buffer = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var written) != System.Buffers.OperationStatus.Done)
            return null;
        try
        {
            var body = JsonSerializer.Deserialize<TokenBody>(buffer.AsSpan(0, written), TokenJson);
            return body is { V: 1, Secret.Length: > 0, Iid.Length: > 0 } ? body : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions TokenJson = new(JsonSerializerDefaults.Web);
}
