using System.Security.Cryptography;
using System.Text;

namespace Imprivata.Functions.Login;

/// <summary>
/// Login CSRF defence (OWASP: double submit with a cookie the attacker cannot set, __Host- on https): the form carries the
/// same random value as the cookie; compared in constant time.
/// </summary>
public sealed class FormCsrf(bool secure)
{
    public const string FieldName = "csrf";
    private string CookieName => secure ? "__Host-imp-csrf" : "imp-csrf";

    /// <summary>The token to embed in the form; reuses the browser's cookie so several tabs keep working.</summary>
    public string Issue(HttpContext http)
    {
        if (http.Request.Cookies.TryGetValue(CookieName, out var existing) && existing is { Length: 43 })
            return existing;
        var token = SsoSessions.Base64Url(RandomNumberGenerator.GetBytes(32));
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = secure,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        return token;
    }

    public bool IsValid(HttpContext http, string? submitted)
    {
        if (string.IsNullOrEmpty(submitted) || !http.Request.Cookies.TryGetValue(CookieName, out var cookie) || string.IsNullOrEmpty(cookie))
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(submitted), Encoding.UTF8.GetBytes(cookie));
    }
}
