using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 6749 6 and 5.2: a refresh request may not ask for a scope the grant did not have; the error for that is invalid_scope
/// (OpenIddict's own check answers invalid_grant, so this runs just before it).
/// </summary>
internal sealed class RejectWiderRefreshScope : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.IsRefreshTokenGrantType() && context.RefreshTokenPrincipal is { } granted
            && context.Request.GetScopes().Any(scope => !granted.HasScope(scope)))
            context.Reject(Errors.InvalidScope, "The scope requested exceeds the scope originally granted.");
        return ValueTask.CompletedTask;
    }
}
