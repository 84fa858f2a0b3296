using System.Buffers.Text;
using System.Net;
using System.Text.Json;

namespace Imprivata.RadiusEdge.Management;

/// <summary>
/// The one-time integration token the console issues: <c>imp-edge.</c> + base64url of
/// <c>{"v":1,"url":..,"iid":..,"secret":..}</c>. Parsing is all-or-nothing: a token that is not exactly that is refused.
/// </summary>
public sealed record EdgeToken(Uri Url, string IntegrationId)
{
    private sealed record Payload(int V, string? Url, string? Iid, string? Secret);

    public static bool TryParse(string text, out EdgeToken? token, out string error)
    {
        token = null;
        text = text.Trim();
        if (!text.StartsWith(ManagementContract.TokenPrefix, StringComparison.Ordinal))
        {
            error = $"the token must start with '{ManagementContract.TokenPrefix}'";
            return false;
        }
        Payload? payload;
        try
        {
            var json = Base64Url.DecodeFromChars(text.AsSpan(ManagementContract.TokenPrefix.Length));
            payload = JsonSerializer.Deserialize<Payload>(json, ManagementContract.Json);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            error = "the token is not base64url JSON (was it copied whole?)";
            return false;
        }
        if (payload is null || payload.V != ManagementContract.TokenVersion)
        {
            error = $"the token's version is not {ManagementContract.TokenVersion}";
            return false;
        }
        if (string.IsNullOrWhiteSpace(payload.Iid) || string.IsNullOrWhiteSpace(payload.Secret))
        {
            error = "the token has no integration id or secret";
            return false;
        }
        if (!Uri.TryCreate(payload.Url, UriKind.Absolute, out var url) || !IsAllowed(url))
        {
            error = "the token's URL must be https (plain http only to a loopback host)";
            return false;
        }
        // The console may live under a path: calls are resolved relative to it, so it ends with a slash.
        token = new EdgeToken(url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/"), payload.Iid);
        error = "";
        return true;
    }

    /// <summary>The credential travels in every call: TLS always, plain http only to this machine (tests, ./run.sh).</summary>
    public static bool IsAllowed(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps ||
        (url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip))));
}
