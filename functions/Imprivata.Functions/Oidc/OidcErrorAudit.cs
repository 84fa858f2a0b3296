using Imprivata.Core.Audit;
using Imprivata.Functions.Audit;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Audits the errors OpenIddict decides by itself at the token, revocation and userinfo endpoints (a reused or expired code, a
/// wrong code_verifier, a replayed refresh token, a wrong client secret, a bad access token): without this they reached only
/// the client. A request our own endpoints already audited (<see cref="AuditTrail.Audited"/>) is not audited twice. The
/// authorization endpoint's own errors are shown on our error page and audited there (<see cref="OidcErrorPage"/>). The
/// reason is the OAuth error code, the detail OpenIddict's error id (e.g. ID2010) and the grant type: never a token, code
/// or secret.
/// </summary>
internal static class OidcErrorAudit
{
    // After OpenIddict settled the error (the token endpoint turns invalid_token into invalid_grant), before its ASP.NET Core
    // handlers write the response.
    private static readonly int Order = OpenIddictServerHandlers.Exchange.NormalizeErrorResponse.Descriptor.Order + 1;

    public static void AddOidcErrorAudit(this OpenIddictServerBuilder server)
    {
        server.AddEventHandler<ApplyTokenResponseContext>(handler => handler
            .UseInlineHandler(context => AuditAsync(context.Transaction, AuditKinds.OidcToken))
            .SetOrder(Order).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyRevocationResponseContext>(handler => handler
            .UseInlineHandler(context => AuditAsync(context.Transaction, AuditKinds.OidcRevocation))
            .SetOrder(Order).SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyUserInfoResponseContext>(handler => handler
            .UseInlineHandler(context => AuditAsync(context.Transaction, AuditKinds.OidcUserinfo))
            .SetOrder(Order).SetType(OpenIddictServerHandlerType.Custom));
        // Once the redirect URI and response mode are settled (ReturnErrorsToClient), before the response is written.
        server.AddEventHandler<ApplyAuthorizationResponseContext>(handler => handler
            .UseInlineHandler(context => string.IsNullOrEmpty(context.RedirectUri) ? default : AuditAsync(context.Transaction, AuditKinds.OidcAuthorize))
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachIssuer.Descriptor.Order + 1).SetType(OpenIddictServerHandlerType.Custom));
    }

    private static async ValueTask AuditAsync(OpenIddictServerTransaction transaction, string kind)
    {
        if (transaction.Response?.Error is not { } error || transaction.GetHttpRequest()?.HttpContext is not { } http || AuditTrail.Audited(http))
            return;
        var request = transaction.Request;
        var id = OmitErrorUri.ErrorIdOf(transaction);
        // Client-supplied values (client_id, grant_type) are bounded where every audit row is: TableAuditLog.
        var detail = string.Join(';', new[] { request?.GrantType is { } grant ? "grant=" + grant : null, id }.Where(part => part is not null));
        await http.RequestServices.GetRequiredService<AuditTrail>().WriteAsync(http, kind, AuditResults.Failure, error,
            clientId: request?.ClientId, detail: detail.Length == 0 ? null : detail);
    }
}
