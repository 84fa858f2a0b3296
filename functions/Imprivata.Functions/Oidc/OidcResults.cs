using Imprivata.Functions.Login;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Server.AspNetCore;

namespace Imprivata.Functions.Oidc;

/// <summary>How our passthrough endpoints answer: OAuth errors through OpenIddict (it knows where they may go), error pages otherwise.</summary>
internal static class OidcResults
{
    /// <summary>An OAuth error OpenIddict returns to the (already validated) redirect_uri or as a JSON error.</summary>
    public static IResult Error(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>A page for errors that must not be redirected (unknown client, unregistered redirect_uri): never a redirect.</summary>
    public static IResult ErrorPage(HttpContext http, string title, string message, string? code, int status = StatusCodes.Status400BadRequest)
    {
        PageHeaders.Apply(http);
        return new RazorComponentResult<MessagePage>(new Dictionary<string, object?>
        {
            [nameof(MessagePage.Title)] = title,
            [nameof(MessagePage.Message)] = message,
            [nameof(MessagePage.Code)] = code,
        }) { StatusCode = status };
    }
}
