using System.Globalization;
using System.Security.Claims;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Audit;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// /connect/token after OpenIddict validated the grant (client authentication, code binding, PKCE, single use, refresh rotation):
/// re-check that the user may still have tokens, then let OpenIddict issue them. Refresh and client_credentials grants are
/// decisions of their own and are audited; a code redemption completes the authorize decision audited there (its failures,
/// like every error OpenIddict decides, are audited by <see cref="OidcErrorAudit"/>).
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IDirectoryStore directory, AuditTrail audit)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict request missing at the token endpoint.");
        if (request.IsClientCredentialsGrantType())
        {
            await audit.WriteAsync(http, AuditKinds.OidcToken, AuditResults.Success, AuditReasons.Ok, clientId: request.ClientId, detail: request.GrantType);
            return ForClient(request);
        }

        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal ?? throw new InvalidOperationException("OpenIddict validated the grant but gave no principal.");
        // A code is redeemed moments after its authorize checked the user, usually on this instance: that check stands for a
        // few seconds (IDirectoryStore.FindRecentUserByIdAsync). A refresh token's sign-in may be days old: always read.
        var subject = principal.GetClaim(Claims.Subject) ?? "";
        var user = request.IsAuthorizationCodeGrantType()
            ? await directory.FindRecentUserByIdAsync(subject, http.RequestAborted)
            : await directory.FindUserByIdAsync(subject, http.RequestAborted);
        var authTime = long.TryParse(principal.GetClaim(OidcClaims.AuthenticatedAtMilliseconds), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : long.TryParse(principal.GetClaim(Claims.AuthenticationTime), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t)
                ? DateTimeOffset.FromUnixTimeSeconds(t) // grants issued before the millisecond claim existed
                : DateTimeOffset.MinValue;
        // A disabled user, or one whose password or MFA was reset after this sign-in, gets no more tokens.
        var reason = user is null ? AuditReasons.UnknownUser
            : !user.Enabled ? AuditReasons.UserDisabled
            : user.CredentialsChangedAt > authTime ? "credentials_changed"
            : null;
        if (reason is not null)
        {
            await audit.WriteAsync(http, AuditKinds.OidcToken, AuditResults.Failure, reason, userId: principal.GetClaim(Claims.Subject), clientId: request.ClientId, detail: request.GrantType);
            return OidcResults.Error(Errors.InvalidGrant, "The grant is no longer valid.");
        }

        if (request.IsRefreshTokenGrantType())
            await audit.WriteAsync(http, AuditKinds.OidcToken, AuditResults.Success, AuditReasons.Ok, username: user!.Username, userId: user.Id,
                clientId: request.ClientId, detail: request.GrantType);
        var identity = (ClaimsIdentity)principal.Identity!;
        OidcClaims.AddProfile(identity, user!);
        identity.SetDestinations(OidcClaims.DestinationsOf);
        return Results.SignIn(principal, properties: null, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>client_credentials: the client acts for itself; OpenIddict already checked its secret and scope permissions.</summary>
    private static IResult ForClient(OpenIddictRequest request)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
