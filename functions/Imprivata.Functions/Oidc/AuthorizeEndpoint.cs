using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Login;
using Imprivata.Functions.Audit;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// /connect/authorize after OpenIddict validated the request (client, redirect_uri, PKCE, scopes): decide whether the SSO
/// session can answer, or whether the user must sign in; then issue the code for a user the app is deployed to.
/// </summary>
public static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, SsoSessions sessions, OidcClaims claims, AppAccess access,
        AuditTrail audit, TimeProvider time, PolicyEngine engine, MfaLogin mfa)
    {
        var ct = http.RequestAborted;
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict request missing at the authorization endpoint.");
        var clientId = request.ClientId!;
        var current = await sessions.GetAsync(http, ct);

        // OIDC Core 3.1.2.1: id_token_hint names who the client expects; a different session user is never switched silently.
        if (request.IdTokenHint is not null)
        {
            var hint = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var hintSubject = hint.Principal?.GetClaim(Claims.Subject);
            if (hintSubject is null || (current is not null && !string.Equals(hintSubject, current.User.Id, StringComparison.Ordinal)))
            {
                await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, AuditReasons.HintMismatch, userId: current?.User.Id, clientId: clientId);
                return OidcResults.Error(Errors.LoginRequired, "The signed-in user is not the user named by id_token_hint.");
            }
        }

        var now = time.GetUtcNow();
        var tooOld = request.MaxAge is { } maxAge && current is not null && (now - current.Session.AuthenticatedAt).TotalSeconds > maxAge;
        if (current is null || tooOld || request.HasPromptValue(PromptValues.Login))
        {
            // prompt=none: OIDC Core 3.1.2.6, never show UI.
            if (request.HasPromptValue(PromptValues.None))
            {
                await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, AuditReasons.LoginRequired, clientId: clientId);
                return OidcResults.Error(Errors.LoginRequired, "The user is not signed in.");
            }
            return Results.Redirect(QueryHelpers.AddQueryString(LoginEndpoints.Path, "returnUrl", ReturnUrlAfterLogin(request)));
        }

        var user = current.User;
        var decision = await access.CheckAsync(user, clientId, ct);
        if (!decision.Allowed)
        {
            await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, decision.Reason, username: user.Username, userId: user.Id, clientId: clientId);
            return OidcResults.Error(Errors.AccessDenied, "This application is not available to your account.");
        }

        // The session may predate a policy that now asks this user for a second factor: step up before any token.
        var plan = await engine.PlanAsync(user, WorkflowKind.WebSso, ct);
        var sessionHasMfa = current.Session.Amr.Contains(FactorAmr.Mfa);
        if (plan.Outcome == PlanOutcome.Deny)
        {
            await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, plan.Reason, username: user.Username, userId: user.Id, clientId: clientId);
            return OidcResults.Error(Errors.AccessDenied, "Your account cannot sign in to this application.");
        }
        if (!sessionHasMfa && (plan.Outcome == PlanOutcome.SecondFactor || (plan.Outcome == PlanOutcome.Enroll && !plan.MayDelay)))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, PlanReasons.SecondFactorRequired, userId: user.Id, clientId: clientId);
                return OidcResults.Error(Errors.InteractionRequired, "A second factor is required.");
            }
            await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, PlanReasons.SecondFactorRequired, username: user.Username,
                userId: user.Id, clientId: clientId, detail: "step-up");
            return await mfa.BeginAsync(http, user, ReturnUrlAfterLogin(request), clientId);
        }

        await sessions.RecordClientAsync(current.Session, clientId, ct);
        var principal = claims.ForUser(user, current.Session, request.GetScopes());
        await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Success, AuditReasons.Ok, username: user.Username, userId: user.Id,
            clientId: clientId, methods: string.Join(' ', current.Session.Amr));
        return Results.SignIn(principal, properties: null, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The same authorization request as a GET URL, minus what the login just satisfied: prompt=login and max_age (a session
    /// some milliseconds old is older than max_age=0, so either would loop back to the login page). auth_time is always in
    /// the ID token (OIDC Core 3.1.2.1), so the relying party can still check max_age itself.
    /// </summary>
    internal static string ReturnUrlAfterLogin(OpenIddictRequest request)
    {
        var query = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in request.GetParameters())
        {
            if (name == Parameters.Prompt)
            {
                var rest = string.Join(' ', ((string?)value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != PromptValues.Login));
                if (rest.Length > 0)
                    query.Add(new(name, rest));
                continue;
            }
            if (name == Parameters.MaxAge)
                continue;
            // Authorization request parameters are single-valued strings (OIDC Core 3.1.2.1).
            query.Add(new(name, (string?)value));
        }
        return QueryHelpers.AddQueryString(OidcSetup.AuthorizePath, query);
    }
}
