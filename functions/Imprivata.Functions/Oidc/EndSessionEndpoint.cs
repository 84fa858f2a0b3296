using Imprivata.Core.Audit;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RP-initiated logout (OIDC RP-Initiated Logout 1.0): ends the SSO session, so every app of this browser must sign in again.
/// OpenIddict has checked post_logout_redirect_uri (exact match) and the id_token_hint. Without a hint for the current user
/// the user confirms first (section 2: the OP should confirm), so a cross-site link cannot log people out.
/// </summary>
public static class EndSessionEndpoint
{
    private const string ConfirmField = "confirm";
    public const string SignedOutPath = "/login/signed-out";

    public static async Task<IResult> HandleAsync(HttpContext http, SsoSessions sessions, FormCsrf csrf, AuditTrail audit)
    {
        var ct = http.RequestAborted;
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict request missing at the end-session endpoint.");
        var current = await sessions.GetAsync(http, ct);

        var hintMatches = false;
        if (request.IdTokenHint is not null)
        {
            var hint = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var subject = hint.Principal?.GetClaim(Claims.Subject);
            hintMatches = subject is not null && (current is null || string.Equals(subject, current.User.Id, StringComparison.Ordinal));
        }

        var confirmed = HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType
            && (await http.Request.ReadFormAsync(ct))[ConfirmField] == "yes"
            && csrf.IsValid(http, (await http.Request.ReadFormAsync(ct))[FormCsrf.FieldName]);
        if (!hintMatches && !confirmed && current is not null)
            return Confirm(http, request, csrf);

        await sessions.EndAsync(http, ct);
        await audit.WriteAsync(http, AuditKinds.OidcLogout, AuditResults.Success, AuditReasons.LoggedOut, username: current?.User.Username,
            userId: current?.User.Id, clientId: request.ClientId, detail: current is null ? "no_session" : null);
        // OpenIddict redirects to the validated post_logout_redirect_uri with state; without one, our signed-out page.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = SignedOutPath }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Confirm(HttpContext http, OpenIddictRequest request, FormCsrf csrf)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ConfirmField] = "yes",
            [FormCsrf.FieldName] = csrf.Issue(http),
        };
        foreach (var name in new[] { Parameters.PostLogoutRedirectUri, Parameters.State, Parameters.ClientId, Parameters.UiLocales })
            if ((string?)request.GetParameter(name) is { } value)
                fields[name] = value;
        PageHeaders.Apply(http);
        return new RazorComponentResult<MessagePage>(new Dictionary<string, object?>
        {
            [nameof(MessagePage.Title)] = "Sign out",
            [nameof(MessagePage.Message)] = "Do you want to sign out of all applications in this browser?",
            [nameof(MessagePage.Form)] = new ConfirmForm(OidcSetup.EndSessionPath, "Sign out", fields),
        });
    }
}
