using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Admin;

/// <summary>
/// Cookie names and attributes. Over https (every real deployment) the session cookie is "__Host-imp-admin": Secure, Path=/,
/// no Domain, so no sibling host can set or shadow it (RFC 6265bis 4.1.3.2). Local http runs cannot carry a Secure cookie,
/// and a "__Host-" cookie without Secure is rejected by browsers, so there the names drop the prefix: "imp-admin".
/// Both are HttpOnly and SameSite=Strict: the console is never reached by a cross-site navigation that needs the session.
/// </summary>
public sealed class AdminCookies(IOptions<ServiceOptions> options)
{
    public bool Secure { get; } = options.Value.PublicBase.Scheme == Uri.UriSchemeHttps;

    public string SessionName => Secure ? "__Host-imp-admin" : "imp-admin";

    /// <summary>Double-submit token that protects the login form itself (login CSRF).</summary>
    public string LoginCsrfName => Secure ? "__Host-imp-admin-login" : "imp-admin-login";

    /// <summary>A sign-in whose password was right and whose second factor is still due; never a session.</summary>
    public string PendingName => Secure ? "__Host-imp-admin-pending" : "imp-admin-pending";

    public CookieOptions Options(DateTimeOffset? expires = null) => new()
    {
        HttpOnly = true,
        Secure = Secure,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
