using Imprivata.Core.UserDirectory;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Functions.Oidc;

/// <summary>/connect/userinfo (OIDC Core 5.3): current directory values for the scopes the access token carries.</summary>
public static class UserInfoEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IDirectoryStore directory)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal;
        // RFC 9068 section 4: a resource server refuses a token whose aud does not name it; a token issued for an API
        // (RFC 8707 resource) is that API's, not ours.
        if (principal is not null && !principal.GetAudiences().Contains(UserInfoAudience(http), StringComparer.Ordinal))
            return InvalidToken("The access token was issued for another audience.");
        var user = principal is null ? null : await directory.FindUserByIdAsync(principal.GetClaim(Claims.Subject) ?? "", http.RequestAborted);
        if (principal is null || user is null || !user.Enabled)
            return InvalidToken("The access token is not valid for a current user.");

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = string.IsNullOrEmpty(user.DisplayName) ? user.Username : user.DisplayName;
            claims[Claims.PreferredUsername] = user.Username;
        }
        if (principal.HasScope(Scopes.Email) && !string.IsNullOrEmpty(user.Email))
            claims[Claims.Email] = user.Email;
        if (principal.HasScope(Scopes.Phone) && !string.IsNullOrEmpty(user.Phone))
            claims[Claims.PhoneNumber] = user.Phone;
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(claims);
    }

    /// <summary>The audience <see cref="ShapeAccessTokens"/> gives a user's token when no resource was named: this endpoint's URL.</summary>
    private static string UserInfoAudience(HttpContext http)
    {
        var issuer = http.RequestServices.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.Issuer
            ?? new Uri(http.Request.Scheme + "://" + http.Request.Host + http.Request.PathBase + "/");
        return new Uri(issuer, OidcSetup.UserInfoPath[1..]).AbsoluteUri;
    }

    private static IResult InvalidToken(string description) =>
        Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
