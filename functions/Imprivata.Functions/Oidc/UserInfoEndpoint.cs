using Imprivata.Core.UserDirectory;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
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
        var user = principal is null ? null : await directory.FindUserByIdAsync(principal.GetClaim(Claims.Subject) ?? "", http.RequestAborted);
        if (principal is null || user is null || !user.Enabled)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not valid for a current user.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

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
}
