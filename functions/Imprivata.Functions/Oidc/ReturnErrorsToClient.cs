using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 6749 4.1.2.1 / RFC 7636 4.4.1 / OIDC Core 3.1.2.6: an authorization error goes back to the client's redirect_uri (with
/// state and iss, RFC 9207) unless the client or the redirect URI cannot be trusted. OpenIddict sends back only the errors
/// decided after its whole validation succeeded; those its validation finds itself (a missing code_challenge, an unsupported
/// code_challenge_method or response_type, an unknown scope, prompt=none with login, ...) it would show on our page, where a
/// user is stuck. This checks the client and the redirect URI on its own, whatever failed, and only then names the
/// redirect URI; an unknown client, a missing, malformed or unregistered redirect URI, or one refused beside an https issuer
/// (<see cref="RefuseHttpRedirectsBesideHttps"/>) stays on our page (RFC 6749 4.1.2.1: never redirect to an unverified URI).
/// </summary>
internal sealed class ReturnErrorsToClient(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
        .UseScopedHandler<ReturnErrorsToClient>()
        // Once OpenIddict attached the redirect URI of a request it accepted, before it infers the response mode.
        .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        if (!string.IsNullOrEmpty(context.RedirectUri) || string.IsNullOrEmpty(context.Response.Error) || context.Request is not { } request)
            return;
        // A pushed request (request_uri) is not ours to resolve here: its parameters were never validated.
        if (!string.IsNullOrEmpty(request.RequestUri) || await TrustedRedirectUriAsync(request, context.Options.Issuer, context.CancellationToken) is not { } uri)
            return;
        context.RedirectUri = uri;
    }

    /// <summary>
    /// The request's redirect_uri when its client is registered and it is one of that client's exact URIs; without one
    /// (allowed when the scope has no openid: RFC 6749 3.1.2.3, OIDC Core 3.1.2.1), the client's only registered URI.
    /// </summary>
    private async ValueTask<string?> TrustedRedirectUriAsync(OpenIddictRequest request, Uri? issuer, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.ClientId) || await applications.FindByClientIdAsync(request.ClientId, ct) is not { } application)
            return null;
        var redirectUri = request.RedirectUri;
        if (string.IsNullOrEmpty(redirectUri))
        {
            if (request.HasScope(Scopes.OpenId) || await applications.GetRedirectUrisAsync(application, ct) is not [var only])
                return null;
            redirectUri = only;
        }
        // The syntax OpenIddict requires of a redirect URI (RFC 6749 3.1.2: absolute, no fragment; RFC 9207 2.4: no iss).
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.Fragment.Length > 0 ||
            HasIssParameter(parsed) || RefuseHttpRedirectsBesideHttps.IsRefused(redirectUri, issuer))
            return null;
        // RFC 9700 2.1: exact string match against the registered URIs.
        return await applications.ValidateRedirectUriAsync(application, redirectUri, ct) ? redirectUri : null;
    }

    private static bool HasIssParameter(Uri uri) =>
        uri.Query.Length > 1 && uri.Query[1..].Split('&').Any(pair => pair.Split('=')[0] == Parameters.Iss);
}

/// <summary>
/// OAuth 2.0 Multiple Response Type Encoding Practices 2.1 / OAuth 2.0 Form Post Response Mode: an error of a request whose
/// response_mode is not one we answer in still reaches the client, in the default mode of its response type (fragment
/// for a response type that returns tokens, query otherwise). Runs after OpenIddict copied the request's response_mode.
/// </summary>
internal sealed class DefaultErrorResponseMode : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
        .UseSingletonHandler<DefaultErrorResponseMode>()
        .SetOrder(OpenIddictServerHandlers.Authentication.InferResponseMode.Descriptor.Order + 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        if (string.IsNullOrEmpty(context.RedirectUri) || context.ResponseMode is ResponseModes.Query or ResponseModes.Fragment or ResponseModes.FormPost)
            return default;
        var types = context.Request?.GetResponseTypes() ?? [];
        context.ResponseMode = types.Contains(ResponseTypes.Token) || types.Contains(ResponseTypes.IdToken) ? ResponseModes.Fragment : ResponseModes.Query;
        return default;
    }
}
