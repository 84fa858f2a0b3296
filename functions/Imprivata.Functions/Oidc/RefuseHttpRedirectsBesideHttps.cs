using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Beside an https issuer, a redirect_uri or post_logout_redirect_uri over plain http is refused on our error page, even
/// when an app profile still lists one (registered while the service ran on plain http, or before registration refused
/// loopback http for web apps: RedirectUriRules). Our clients are web applications; http loopback is the native apps'
/// exception (RFC 8252 7.3), and a code or logout sent over http can be read on the way.
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
                if (IsHttp(context.RedirectUri ?? context.Request.RedirectUri))
                    context.Reject(Errors.InvalidRequest, Description);
                return default;
            })
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateRedirectUriParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (IsHttp(context.PostLogoutRedirectUri ?? context.Request.PostLogoutRedirectUri))
                    context.Reject(Errors.InvalidRequest, Description);
                return default;
            })
            .SetOrder(OpenIddictServerHandlers.Session.ValidatePostLogoutRedirectUriParameter.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    private static bool IsHttp(string? uri) => uri is not null && uri.StartsWith("http:", StringComparison.OrdinalIgnoreCase);
}
