using System.Net;

namespace Imprivata.Functions.Admin;

/// <summary>
/// Redirect URIs accepted at registration. RFC 9700 2.1 / RFC 6749 3.1.2: absolute, no fragment, https only. No user info
/// (app@evil.com tricks). Matching later is exact. http on a loopback host is the native apps' exception (RFC 8252 7.3); our
/// apps are web applications, so it is allowed only while the service itself runs on plain http (a local evaluation, where
/// the sample relying party lives on 127.0.0.1), never beside an https issuer.
/// </summary>
public static class RedirectUriRules
{
    public const int MaxLength = 2000;
    public const int MaxCount = 20;

    public static string? Check(string? text, bool allowLoopbackHttp, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            return "redirect_uri_invalid";
        if (text.Contains('#'))
            return "redirect_uri_fragment";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
            return "redirect_uri_invalid";
        if (!string.IsNullOrEmpty(parsed.UserInfo))
            return "redirect_uri_invalid";
        var secure = parsed.Scheme == Uri.UriSchemeHttps;
        var loopback = parsed.Scheme == Uri.UriSchemeHttp && (parsed.IsLoopback || (IPAddress.TryParse(parsed.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
        if (!secure && !(loopback && allowLoopbackHttp))
            return "redirect_uri_not_https";
        uri = parsed;
        return null;
    }

    /// <summary>
    /// Parses one URI per entry (a text area's lines, blank ones skipped but counted); null when all are valid, else the
    /// reason and the 1-based line of the first bad entry.
    /// </summary>
    public static FieldError? CheckAll(IEnumerable<string?> texts, bool required, bool allowLoopbackHttp, out IReadOnlyList<Uri> uris)
    {
        var list = new List<Uri>();
        uris = list;
        var line = 0;
        foreach (var text in texts)
        {
            line++;
            // A JSON array may hold null ("redirectUris":[null]): an entry that is no URI at all, not a blank line.
            if (text is null)
                return new FieldError("redirect_uri_invalid", Line: line);
            if (text.Trim() is not { Length: > 0 } entry)
                continue;
            if (Check(entry, allowLoopbackHttp, out var uri) is { } error)
                return new FieldError(error, Line: line);
            if (!list.Contains(uri!))
                list.Add(uri!);
        }
        if (list.Count > MaxCount)
            return new FieldError("too_many_redirect_uris");
        if (required && list.Count == 0)
            return new FieldError("redirect_uri_required");
        return null;
    }
}
