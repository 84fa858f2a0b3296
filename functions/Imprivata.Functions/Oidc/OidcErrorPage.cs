using Imprivata.Core.Audit;
using Imprivata.Functions.Audit;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Diagnostics;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Renders the errors OpenIddict must not send to a client (unknown client_id, unregistered redirect_uri or
/// post_logout_redirect_uri) as our error page: never a redirect. Errors it can return to a validated redirect_uri it
/// redirects itself, with iss (RFC 6749 4.1.2.1, RFC 9207; <see cref="ReturnErrorsToClient"/>), so they never reach this page.
/// </summary>
internal static class OidcErrorPage
{
    public static async Task RenderAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (http.GetOpenIddictServerResponse() is not { Error: not null } error)
            return;
        var endpoint = http.Request.Path.Value ?? "";
        var kind = endpoint.StartsWith(OidcSetup.EndSessionPath, StringComparison.Ordinal) ? AuditKinds.OidcLogout
            : endpoint.StartsWith(OidcSetup.AuthorizePath, StringComparison.Ordinal) ? AuditKinds.OidcAuthorize
            : AuditKinds.OidcRequest;
        var clientId = http.GetOpenIddictServerRequest()?.ClientId;
        await http.RequestServices.GetRequiredService<AuditTrail>().WriteAsync(http, kind, AuditResults.Failure, AuditReasons.InvalidRequest,
            clientId: clientId is { Length: > 200 } ? clientId[..200] : clientId, detail: error.Error);
        var page = OidcResults.ErrorPage(http, "This request cannot be completed", error.ErrorDescription ?? "The request is not valid.",
            error.Error, http.Response.StatusCode);
        await page.ExecuteAsync(http);
    }
}
