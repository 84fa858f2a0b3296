using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// A token with no storage row (a JWT access or ID token, see <see cref="StoreOnlyRedeemableTokens"/>) is checked against
/// the authorization it names, so revoking that authorization revokes it. OpenIddict learns a token's authorization from
/// the token's row; without one it would skip the check. The claim is read from our own signed (and already validated) JWT.
/// </summary>
internal sealed class CheckAuthorizationOfSelfContainedTokens : IOpenIddictServerHandler<ValidateTokenContext>
{
    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Principal is { } principal && string.IsNullOrEmpty(context.TokenId) && string.IsNullOrEmpty(context.AuthorizationId) &&
            principal.GetAuthorizationId() is { Length: > 0 } authorizationId)
            context.AuthorizationId = authorizationId;
        return default;
    }
}
