using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;
using Imprivata.Functions.Audit;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Where the authorization endpoint's refusals are audited and turned into OAuth errors, whether an OpenIddict handler
/// (<see cref="RequireHintedUser"/>, <see cref="RequireSessionForPromptNone"/>) or the endpoint's access steps refused.
/// OpenIddict returns the error to the validated redirect_uri, with state and iss (RFC 6749 4.1.2.1, RFC 9207).
/// </summary>
internal static class AuthorizeRefusals
{
    public static string OAuthErrorOf(RefusalKind kind) => kind switch
    {
        RefusalKind.LoginRequired => Errors.LoginRequired,
        RefusalKind.AccessDenied => Errors.AccessDenied,
        RefusalKind.InteractionRequired => Errors.InteractionRequired,
        _ => Errors.InvalidRequest,
    };

    /// <summary>From the endpoint: an OAuth error through OpenIddict's forbid.</summary>
    public static async Task<IResult> RefuseAsync(HttpContext http, Refusal refusal, DirectoryUser? user, string? clientId)
    {
        await AuditAsync(http, refusal, user, clientId);
        return OidcResults.Error(OAuthErrorOf(refusal.Kind), refusal.Message);
    }

    /// <summary>From an OpenIddict handler of the authorization request.</summary>
    public static async ValueTask RejectAsync(HandleAuthorizationRequestContext context, Refusal refusal, DirectoryUser? user)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext
                   ?? throw new InvalidOperationException("The authorization request has no HTTP context.");
        await AuditAsync(http, refusal, user, context.Request.ClientId);
        context.Reject(OAuthErrorOf(refusal.Kind), refusal.Message);
    }

    private static Task AuditAsync(HttpContext http, Refusal refusal, DirectoryUser? user, string? clientId) =>
        http.RequestServices.GetRequiredService<AuditTrail>().WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, refusal.Reason,
            username: user?.Username, userId: user?.Id, clientId: clientId);
}
