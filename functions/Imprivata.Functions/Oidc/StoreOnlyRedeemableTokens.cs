using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Only tokens that are redeemed or looked up by reference get a storage row (codes, refresh tokens): JWT access tokens and
/// ID tokens are self-contained and signed. OpenIddict would write a row (and its index entries) for each, which was a third
/// of a code redemption's storage round trips. They are still revocable: each carries its authorization id, which
/// OpenIddict checks on every use, and a replayed code or refresh token revokes that authorization (TableTokenManager).
/// Revoking such an access token at /connect/revoke revokes its authorization (<see cref="RevokeGrant"/>).
/// </summary>
internal sealed class StoreOnlyRedeemableTokens : IOpenIddictServerHandler<GenerateTokenContext>
{
    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (!context.IsReferenceToken && context.TokenType is TokenTypeIdentifiers.AccessToken or TokenTypeIdentifiers.IdentityToken)
            context.CreateTokenEntry = false;
        return default;
    }
}
