namespace Imprivata.Functions.Login;

/// <summary>Headers for every page we render that takes credentials or confirms an action.</summary>
public static class PageHeaders
{
    /// <param name="ownScripts">Allow scripts from our own origin (script-src 'self'), e.g. /assets/webauthn.js; inline script stays forbidden.</param>
    public static void Apply(HttpContext http, bool ownScripts = false)
    {
        var headers = http.Response.Headers;
        // Clickjacking defence for login/MFA/consent/logout pages (CSP frame-ancestors 'none', X-Frame-Options DENY).
        // No form-action: browsers apply it to the whole redirect chain after a POST, and ours ends at the relying party.
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src " + (ownScripts ? "'self'" : "'none'") + "; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
    }
}
