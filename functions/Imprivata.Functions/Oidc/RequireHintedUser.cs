using Imprivata.Core.Audit;
using Imprivata.Functions.Access;
using Imprivata.Functions.Login;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// OIDC Core 3.1.2.1: id_token_hint names the user the client expects; a session of another user is never used silently
/// (login_required). OpenIddict has already validated the hint (signature, issuer: an invalid one never reaches this).
/// </summary>
internal sealed class RequireHintedUser(SsoSessions sessions) : IOpenIddictServerHandler<HandleAuthorizationRequestContext>
{
    public static readonly Refusal NotTheHintedUser =
        new(RefusalKind.LoginRequired, AuditReasons.HintMismatch, "The signed-in user is not the user named by id_token_hint.");

    public async ValueTask HandleAsync(HandleAuthorizationRequestContext context)
    {
        if (context.Request.IdTokenHint is null || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
            return;
        var current = await sessions.CurrentAsync(http, http.RequestAborted);
        var hinted = context.IdentityTokenHintPrincipal?.GetClaim(Claims.Subject);
        if (hinted is null || (current is not null && !string.Equals(hinted, current.User.Id, StringComparison.Ordinal)))
            await AuthorizeRefusals.RejectAsync(context, NotTheHintedUser, current?.User);
    }
}
