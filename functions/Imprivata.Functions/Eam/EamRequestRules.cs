using Imprivata.Core.Eam;
using Microsoft.Extensions.Primitives;

namespace Imprivata.Functions.Eam;

/// <summary>The request as Entra posted it (form fields; unknown ones ignored).</summary>
public sealed record EamForm(IReadOnlyDictionary<string, StringValues> Fields)
{
    public string? this[string name] => Fields.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;
    /// <summary>A parameter sent more than once is ambiguous (OAuth 2.0, RFC 6749 3.1): treated as broken.</summary>
    public bool Repeated(string name) => Fields.TryGetValue(name, out var v) && v.Count > 1;
}

/// <summary>
/// The rules that must hold before we may post anything to the redirect URI: until they do, the answer is an error page
/// (OIDC Core 3.1.2.6: never redirect to an unverified redirect_uri). Listed in order; the first broken one is reported.
/// </summary>
public static class EamRequestRules
{
    public sealed record Context(EamForm Form, EamProfile? Profile)
    {
        public EntraCloud? Cloud { get; set; }
    }

    public sealed record Broken(string Reason, string Message);

    public static readonly IReadOnlyList<Func<Context, Broken?>> InOrder =
    [
        RequireKnownClient,
        RequireRegisteredRedirectUri,
        RequireIdTokenResponseType,
        RequireFormPostResponseMode,
        RequireOpenIdScope,
    ];

    public static Broken? FirstBroken(Context context) => InOrder.Select(rule => rule(context)).FirstOrDefault(b => b is not null);

    /// <summary>client_id is an EAM profile of ours (the Client ID the tenant administrator typed into Entra).</summary>
    private static Broken? RequireKnownClient(Context c) => c.Profile is null || c.Form.Repeated("client_id")
        ? new("unknown_client", "This sign-in request names an application that is not configured here.")
        : null;

    /// <summary>
    /// redirect_uri is exactly (ordinal, whole string) one of the profile's Entra redirect URIs, which are the three clouds'
    /// fixed addresses: no case folding, trailing slash, http or other host (OAuth 2.0 Security BCP, RFC 9700 4.1.3).
    /// </summary>
    private static Broken? RequireRegisteredRedirectUri(Context c)
    {
        var redirect = c.Form["redirect_uri"];
        c.Cloud = EntraCloud.ByRedirectUri(redirect);
        return c.Cloud is null || !c.Profile!.RedirectUris.Contains(redirect!, StringComparer.Ordinal)
            ? new("redirect_uri_mismatch", "This sign-in request does not come back to a registered Microsoft Entra address.")
            : null;
    }

    /// <summary>Entra's external method uses the implicit flow for an id_token only (no code, no access token).</summary>
    private static Broken? RequireIdTokenResponseType(Context c) => c.Form["response_type"] != "id_token"
        ? new("unsupported_response_type", "This sign-in request asks for an answer this provider does not give.")
        : null;

    /// <summary>The answer travels only as a form POST (no fragment or query: the token stays out of URLs and logs).</summary>
    private static Broken? RequireFormPostResponseMode(Context c) => c.Form["response_mode"] != "form_post"
        ? new("unsupported_response_mode", "This sign-in request asks for an answer mode this provider does not use.")
        : null;

    private static Broken? RequireOpenIdScope(Context c) =>
        c.Form["scope"] is not { } scope || !scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal)
            ? new("invalid_scope", "This sign-in request is not an OpenID Connect request.")
            : null;
}
