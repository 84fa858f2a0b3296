using System.Globalization;
using System.Security.Claims;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Sessions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Builds the principal OpenIddict turns into tokens: who the user is (per granted scope) and, truthfully, how and when they
/// authenticated (auth_time, amr per RFC 8176, acr).
/// </summary>
public sealed class OidcClaims
{
    /// <summary>acr for a session proven by one factor (a password).</summary>
    public const string AcrPassword = "urn:imprivata:acr:pwd";
    /// <summary>acr for a session proven by two factors of different kinds (amr contains "mfa").</summary>
    public const string AcrMfa = "urn:imprivata:acr:mfa";

    /// <summary>
    /// The session's authentication instant in milliseconds. Private: it has no destination, so it stays in codes and refresh
    /// tokens only; auth_time has whole seconds, too coarse to compare with a credentials change in the same second.
    /// </summary>
    public const string AuthenticatedAtMilliseconds = "imp_auth_ms";

    /// <summary>OIDC Back-Channel Logout 1.0 section 2.1: the session's sid, in the ID token, matched by the logout token.</summary>
    public const string SessionId = "sid";

    public ClaimsPrincipal ForUser(DirectoryUser user, SsoSession session, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id);
        identity.SetClaim(Claims.AuthenticationTime, session.AuthenticatedAt.ToUnixTimeSeconds());
        identity.SetClaim(AuthenticatedAtMilliseconds, session.AuthenticatedAt.ToUnixTimeMilliseconds());
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. session.Amr]);
        if (session.Sid.Length > 0)
            identity.SetClaim(SessionId, session.Sid);
        identity.SetClaim(Claims.AuthenticationContextReference, session.Amr.Contains(Core.Mfa.FactorAmr.Mfa) ? AcrMfa : AcrPassword);
        AddProfile(identity, user);
        identity.SetScopes(scopes);
        identity.SetDestinations(DestinationsOf);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Re-reads the user for a refresh or userinfo so disabled users and changed details take effect.</summary>
    public static void AddProfile(ClaimsIdentity identity, DirectoryUser user)
    {
        identity.SetClaim(Claims.Name, string.IsNullOrEmpty(user.DisplayName) ? user.Username : user.DisplayName);
        identity.SetClaim(Claims.PreferredUsername, user.Username);
        identity.SetClaim(Claims.Email, user.Email);
        identity.SetClaim(Claims.PhoneNumber, user.Phone);
    }

    public static IEnumerable<string> DestinationsOf(Claim claim)
    {
        var scopes = claim.Subject?.GetScopes() ?? [];
        switch (claim.Type)
        {
            case Claims.Name or Claims.PreferredUsername when scopes.Contains(Scopes.Profile):
                yield return Destinations.AccessToken;
                yield return Destinations.IdentityToken;
                break;
            case Claims.Email when scopes.Contains(Scopes.Email):
                yield return Destinations.IdentityToken;
                break;
            case Claims.PhoneNumber when scopes.Contains(Scopes.Phone):
                yield return Destinations.IdentityToken;
                break;
            case Claims.AuthenticationTime or Claims.AuthenticationMethodReference or Claims.AuthenticationContextReference or SessionId:
                yield return Destinations.IdentityToken;
                break;
            case Claims.Subject:
                yield return Destinations.AccessToken;
                yield return Destinations.IdentityToken;
                break;
        }
    }
}
