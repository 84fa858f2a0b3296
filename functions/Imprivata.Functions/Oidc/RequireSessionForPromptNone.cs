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
/// OIDC Core 3.1.2.6: prompt=none never shows a page, so without an SSO session recent enough for max_age the answer is
/// login_required (the sign-in page would be the only way on).
/// </summary>
internal sealed class RequireSessionForPromptNone(SsoSessions sessions, TimeProvider time) : IOpenIddictServerHandler<HandleAuthorizationRequestContext>
{
    public static readonly Refusal NotSignedIn = new(RefusalKind.LoginRequired, AuditReasons.LoginRequired, "The user is not signed in.");

    public async ValueTask HandleAsync(HandleAuthorizationRequestContext context)
    {
        if (!context.Request.HasPromptValue(PromptValues.None) || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
            return;
        var current = await sessions.CurrentAsync(http, http.RequestAborted);
        if (current is null || !AuthorizeEndpoint.FreshnessOf(context.Request).IsMetBy(current.Session.AuthenticatedAt, time.GetUtcNow()))
            await AuthorizeRefusals.RejectAsync(context, NotSignedIn, user: null);
    }
}
