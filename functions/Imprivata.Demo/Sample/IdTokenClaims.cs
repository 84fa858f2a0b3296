using System.Globalization;
using System.Text.Json;

namespace Imprivata.Demo.Sample;

/// <summary>
/// What the sample page shows of a validated ID token: who signed in, how and when, as a reader wants to see it. Arrays stay
/// arrays, times are dates, and claims the reader did not ask for are left out: the provider's bookkeeping (OpenIddict's
/// oi_* claims) and values for the app's own checks (nonce, at_hash, azp).
/// </summary>
public static class IdTokenClaims
{
    /// <summary>
    /// The shown claims, in reading order: the subject and the profile and email scopes the sample asks for (OIDC Core
    /// 5.1, 5.4), how and when the user authenticated (OIDC Core 2, RFC 8176), and for whom the token was issued.
    /// </summary>
    private static readonly string[] Shown =
    [
        "sub", "name", "preferred_username", "email", "email_verified", "phone_number",
        "amr", "acr", "auth_time", "iat", "exp", "iss", "aud", "sid",
    ];

    /// <summary>NumericDate claims (RFC 7519 2: seconds since the epoch).</summary>
    private static readonly HashSet<string> Times = ["auth_time", "iat", "exp"];

    /// <param name="payload">The token's decoded JSON payload.</param>
    public static IReadOnlyList<(string Name, string Value)> Rows(JsonElement payload)
    {
        var rows = new List<(string, string)>();
        foreach (var name in Shown)
        {
            if (payload.TryGetProperty(name, out var value))
                rows.Add((name, Display(name, value)));
        }
        return rows;
    }

    private static string Display(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when Times.Contains(name) && value.TryGetInt64(out var seconds) => Date(seconds),
        JsonValueKind.String => value.GetString()!,
        // ["pwd", "otp", "mfa"]: JSON's own notation, so a reader sees the claim is a list.
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(e => e.GetRawText())) + "]",
        _ => value.GetRawText(),
    };

    private static string Date(long seconds) =>
        seconds is < 0 or > 253402300799
            ? seconds.ToString(CultureInfo.InvariantCulture)
            : DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)
              + " (" + seconds.ToString(CultureInfo.InvariantCulture) + ")";
}
