using Imprivata.Core.Audit;
using Imprivata.Functions.Audit;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// /connect/revoke (RFC 7009) ends the whole grant the token belongs to: its authorization, its refresh tokens, and so the
/// self-contained access tokens that name it (CheckAuthorizationOfSelfContainedTokens). Section 2.1: revoking a refresh token
/// SHOULD invalidate the access tokens of the same grant, and revoking an access token MAY revoke its refresh token; an
/// access token has no storage row of its own, so its grant is what can be revoked. A client_credentials access token
/// belongs to no stored grant, and a token for an API carries no grant id (ShapeAccessTokens): unsupported_token_type
/// (section 2.2.1). Replaces OpenIddict's handler, which revokes the token's own row only.
/// </summary>
internal sealed class RevokeGrant(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        var principal = context.GenericTokenPrincipal;
        var authorizationId = principal?.GetAuthorizationId();
        var tokenId = principal?.GetTokenId();
        if (string.IsNullOrEmpty(authorizationId) && string.IsNullOrEmpty(tokenId))
        {
            context.Reject(Errors.UnsupportedTokenType, "This token cannot be revoked: it belongs to no stored grant.");
            return;
        }
        if (!string.IsNullOrEmpty(tokenId) && await tokens.FindByIdAsync(tokenId, context.CancellationToken).ConfigureAwait(false) is { } token)
            await tokens.TryRevokeAsync(token, context.CancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(authorizationId))
            await tokens.RevokeByAuthorizationIdAsync(authorizationId, context.CancellationToken).ConfigureAwait(false);

        if (context.Transaction.GetHttpRequest()?.HttpContext is { } http)
            await http.RequestServices.GetRequiredService<AuditTrail>().WriteAsync(http, AuditKinds.OidcRevocation, AuditResults.Success, AuditReasons.Ok,
                userId: principal?.GetClaim(Claims.Subject), clientId: context.Request.ClientId, detail: principal?.GetTokenType());
    }
}
