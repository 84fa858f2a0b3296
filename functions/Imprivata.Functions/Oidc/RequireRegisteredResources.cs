using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 8707 section 2: a resource parameter that names no API registered in the console is invalid_target, at the
/// authorization and the token endpoint. Replaces OpenIddict's check against resources fixed at start-up, as administrators
/// register APIs while the service runs.
/// </summary>
internal sealed class RequireRegisteredResources(ApiResources resources) :
    IOpenIddictServerHandler<ValidateAuthorizationRequestContext>, IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context) => CheckAsync(context, context.Request);

    public ValueTask HandleAsync(ValidateTokenRequestContext context) => CheckAsync(context, context.Request);

    private async ValueTask CheckAsync(BaseValidatingContext context, OpenIddictRequest request)
    {
        foreach (var resource in request.GetResources().Distinct(StringComparer.Ordinal))
        {
            if (await resources.IsRegisteredAsync(resource, context.CancellationToken).ConfigureAwait(false))
                continue;
            context.Reject(Errors.InvalidTarget, "The resource " + resource + " is not a registered API.");
            return;
        }
    }
}
