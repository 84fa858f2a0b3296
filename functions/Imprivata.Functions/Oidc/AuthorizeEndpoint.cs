using Imprivata.Core.Audit;
using Imprivata.Core.Policies;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Access;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// /connect/authorize after OpenIddict validated the request (client, redirect_uri, PKCE, scopes) and its handlers checked
/// the OIDC rules of their own (<see cref="RequireHintedUser"/>, <see cref="RequireSessionForPromptNone"/>): the SSO session
/// goes through the access steps (<see cref="AccessSteps.SessionForApp"/>: fresh enough -> the app is the user's -> the
/// policy allows -> step up or grant), and this edge renders their outcome: the login page, an OAuth error, the second
/// factor, or the code.
/// </summary>
public static class AuthorizeEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, SsoSessions sessions, AccessSteps steps, OidcClaims claims, AuditTrail audit,
        MfaLogin mfa)
    {
        var ct = http.RequestAborted;
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict request missing at the authorization endpoint.");
        var clientId = request.ClientId!;
        var current = await sessions.CurrentAsync(http, ct);
        if (current is null)
            return await SignInAgainAsync(http, request);

        var attempt = new AccessAttempt
        {
            User = current.User,
            ClientId = clientId,
            Workflow = WorkflowKind.WebSso,
            Amr = current.Session.Amr,
            AuthenticatedAt = current.Session.AuthenticatedAt,
            Freshness = FreshnessOf(request),
        };
        return await AccessSteps.RunAsync(steps.SessionForApp, attempt, ct) switch
        {
            AccessOutcome.Refused refused => await AuthorizeRefusals.RefuseAsync(http, refused.Refusal, current.User, clientId),
            AccessOutcome.SignInAgain => await SignInAgainAsync(http, request),
            AccessOutcome.StepUp => await StepUpAsync(http, request, current.User, audit, mfa),
            _ => await IssueAsync(http, request, current, sessions, claims, audit),
        };
    }

    /// <summary>
    /// The request's freshness rules: max_age in seconds (absurd values mean none), prompt=login (OIDC Core 3.1.2.1), and
    /// prompt=select_account, which the sign-in page answers: the user signs in with the account of their choice.
    /// </summary>
    internal static Freshness FreshnessOf(OpenIddictRequest request) => new(
        request.MaxAge is { } seconds && seconds <= int.MaxValue ? TimeSpan.FromSeconds(seconds) : null,
        request.HasPromptValue(PromptValues.Login) || request.HasPromptValue(PromptValues.SelectAccount));

    /// <summary>To the login page, and back here after it; with prompt=none (OIDC Core 3.1.2.6) no page: login_required.</summary>
    private static async Task<IResult> SignInAgainAsync(HttpContext http, OpenIddictRequest request) =>
        request.HasPromptValue(PromptValues.None)
            ? await AuthorizeRefusals.RefuseAsync(http, RequireSessionForPromptNone.NotSignedIn, user: null, request.ClientId)
            : Results.Redirect(QueryHelpers.AddQueryString(LoginEndpoints.Path, "returnUrl", ReturnUrlAfterLogin(request)));

    /// <summary>The session predates a policy that now asks this user for a second factor: no token before it is done.</summary>
    private static async Task<IResult> StepUpAsync(HttpContext http, OpenIddictRequest request, DirectoryUser user, AuditTrail audit, MfaLogin mfa)
    {
        if (request.HasPromptValue(PromptValues.None))
            return await AuthorizeRefusals.RefuseAsync(http, SecondFactorNeedsInteraction, user, request.ClientId);
        await audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Failure, PlanReasons.SecondFactorRequired, username: user.Username,
            userId: user.Id, clientId: request.ClientId, detail: "step-up");
        return await mfa.BeginAsync(http, user, ReturnUrlAfterLogin(request), request.ClientId);
    }

    internal static readonly Refusal SecondFactorNeedsInteraction =
        new(RefusalKind.InteractionRequired, PlanReasons.SecondFactorRequired, "A second factor is required.");

    private static async Task<IResult> IssueAsync(HttpContext http, OpenIddictRequest request, CurrentSession current, SsoSessions sessions,
        OidcClaims claims, AuditTrail audit)
    {
        var (session, user) = (current.Session, current.User);
        await sessions.RecordClientAsync(session, request.ClientId!, http.RequestAborted);
        var principal = claims.ForUser(user, session, request.GetScopes());
        // RFC 8707 section 2: the APIs the code may be redeemed for (RequireRegisteredResources checked they exist).
        principal.SetResources(request.GetResources());
        // Stored while OpenIddict writes the authorization and the code; the code leaves only once it is (AnswerAfterAudit).
        var audited = audit.WriteAsync(http, AuditKinds.OidcAuthorize, AuditResults.Success, AuditReasons.Ok, username: user.Username, userId: user.Id,
            clientId: request.ClientId, methods: string.Join(' ', session.Amr));
        return new AnswerAfterAudit(
            Results.SignIn(principal, properties: null, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme), audited);
    }

    /// <summary>
    /// The same authorization request as a GET URL, minus what the login just satisfied: prompt=login or select_account and max_age (a session
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
                var rest = string.Join(' ', ((string?)value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p is not (PromptValues.Login or PromptValues.SelectAccount)));
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
