using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// Every access token (typ at+jwt) names its audience, and a token for a resource server carries only what RFC 9068 section
/// 2.2 defines and the user's claims, never OpenIddict's or our own bookkeeping.
/// RFC 9068 section 3: without a resource parameter the audience is a default resource. A user's token is then good only
/// at our userinfo endpoint, so its audience is that endpoint's URL; a client_credentials token is the client acting for
/// itself, so its audience is the client's own id (the client is its own API, as Entra ID does for an app's own scope).
/// </summary>
internal sealed class ShapeAccessTokens : IOpenIddictServerHandler<GenerateTokenContext>
{
    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.AccessToken)
            return default;
        var claims = context.SecurityTokenDescriptor.Claims ??= new Dictionary<string, object>(StringComparer.Ordinal);
        // RFC 8707 section 2.2: a token request that names resources gets a token for those (TokenEndpoint checked that the
        // grant covers them); the grant keeps all of its resources for the next refresh.
        if (context.Request?.GetResources() is { IsDefaultOrEmpty: false } requested)
            claims[Claims.Audience] = requested.Distinct(StringComparer.Ordinal).ToArray() is var audiences && audiences.Length == 1 ? audiences[0] : audiences;
        else if (!claims.ContainsKey(Claims.Audience))
            claims[Claims.Audience] = DefaultAudience(context);
        // A token only this provider reads back keeps its authorization id: revoking the grant revokes the token
        // (CheckAuthorizationOfSelfContainedTokens). Resource servers get none of OpenIddict's private claims.
        if (!SignWithActiveKey.IsOurOwn(context) && context.SecurityTokenDescriptor.Subject is { } subject)
            foreach (var claim in subject.Claims.Where(IsInternal).ToList())
                subject.RemoveClaim(claim);
        return default;
    }

    internal static string DefaultAudience(GenerateTokenContext context) =>
        context.Request?.IsClientCredentialsGrantType() == true
            ? context.ClientId ?? context.Request.ClientId ?? throw new InvalidOperationException("A client_credentials token without a client.")
            : new Uri(context.Options.Issuer ?? context.BaseUri ?? throw new InvalidOperationException("No issuer."), OidcSetup.UserInfoPath[1..]).AbsoluteUri;

    private static bool IsInternal(Claim claim) =>
        claim.Type.StartsWith("oi_", StringComparison.Ordinal) || claim.Type is OidcClaims.AuthenticatedAtMilliseconds or OidcClaims.SessionId;
}
