using Imprivata.Core.Audit;
using Imprivata.Core.Eam;
using Imprivata.Core.Mfa;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Imprivata.Functions.Oidc;

namespace Imprivata.Functions.Eam;

/// <summary>
/// Where the login's factor pages return after the second factor: the SSO session they just started must be the hint's
/// user's and no older than the request, its factor must give a requested acr/amr, and the request is answered once.
/// </summary>
public sealed class EamCompleteEndpoint(IEamRequestStore requests, SsoSessions sessions, EamAnswer answer, AuditTrail audit, TimeProvider time)
{
    public async Task<IResult> HandleAsync(HttpContext http, string id)
    {
        var ct = http.RequestAborted;
        var request = await requests.FindAsync(id, ct);
        var now = time.GetUtcNow();
        if (request is null || request.ExpiresAt <= now
            || !await requests.TryUseOnceAsync(EamAuthorizeEndpoint.UseKey("answer", id), request.ExpiresAt, ct))
        {
            await audit.WriteAsync(http, AuditKinds.EamAnswer, AuditResults.Failure, AuditReasons.Expired, clientId: request?.ClientId);
            return OidcResults.ErrorPage(http, "Sign-in expired",
                "This sign-in took too long or was already finished. Return to Microsoft and sign in again.", code: null);
        }
        await requests.DeleteAsync(id, ct);

        async Task<IResult> DenyAsync(string reason, string? detail, string? userId)
        {
            await audit.WriteAsync(http, AuditKinds.EamAnswer, AuditResults.Failure, reason, userId: userId, clientId: request.ClientId, detail: detail);
            return EamAnswer.AccessDenied(http, request);
        }

        var current = await sessions.GetAsync(http, ct);
        // The factor must have been completed by the hint's user, in this request (not an older session of anyone).
        if (current is null || current.User.Id != request.UserId || current.Session.AuthenticatedAt < request.CreatedAt)
            return await DenyAsync(AuditReasons.HintMismatch, "second factor not completed by the hint's user", current?.User.Id);
        var amr = current.Session.Amr;
        if (!amr.Contains(FactorAmr.Mfa) || EamMethodClaims.FactorOf(amr) is not { } factor)
            return await DenyAsync("no_second_factor", string.Join(' ', amr), current.User.Id);
        if (EamMethodClaims.For(factor, request.Claims) is not { } claims)
            return await DenyAsync("claims_unsatisfiable", factor.Name(), current.User.Id);

        var token = await answer.IdTokenAsync(request, claims, ct);
        await audit.WriteAsync(http, AuditKinds.EamAnswer, AuditResults.Success, AuditReasons.Ok, username: current.User.Username,
            userId: current.User.Id, clientId: request.ClientId, methods: factor.Name(), detail: $"acr {claims.Acr} amr {claims.Amr}");
        return EamAnswer.Post(http, request, [new("id_token", token)]);
    }
}
