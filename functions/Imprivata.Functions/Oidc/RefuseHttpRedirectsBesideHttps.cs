using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Beside an https issuer, nothing is sent back to a plain-http address, even when an app profile still lists one (registered
/// while the service ran on plain http, or before registration refused loopback http for web apps: RedirectUriRules). Our
/// clients are web applications; http loopback is the native apps' exception (RFC 8252 7.3), and a code sent over http can
/// be read on the way.
/// <list type="bullet">
/// <item>Authorization: refused on our error page, checked once OpenIddict settled the redirect URI (a request without one
/// gets the app's only registered URI).</item>
/// <item>Logout: the user is still signed out, and lands on our signed-out page instead of the http address.</item>
/// </list>
/// </summary>
internal static class RefuseHttpRedirectsBesideHttps
{
    private const string Description = "This service sends users back over https only; the application's address is plain http.";

    public static void AddHttpRedirectRefusal(this OpenIddictServerBuilder server, Uri issuer)
    {
        if (issuer.Scheme != Uri.UriSchemeHttps)
            return;
        server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (IsHttp(context.RedirectUri))
                    context.Reject(Errors.InvalidRequest, Description);
                return default;
            })
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyEndSessionResponseContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (IsHttp(context.PostLogoutRedirectUri))
                    context.PostLogoutRedirectUri = null;
                return default;
            })
            .SetOrder(OpenIddictServerHandlers.Session.AttachPostLogoutRedirectUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    private static bool IsHttp(string? uri) => uri is not null && uri.StartsWith("http:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this rule refuses to send anything to <paramref name="uri"/> beside <paramref name="issuer"/>.</summary>
    public static bool IsRefused(string? uri, Uri? issuer) => issuer?.Scheme == Uri.UriSchemeHttps && IsHttp(uri);
}
