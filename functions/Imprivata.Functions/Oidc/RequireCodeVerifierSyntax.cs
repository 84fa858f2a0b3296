using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 7636 4.1: a code_verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]. OpenIddict only compares hashes, so a client
/// could pick a short, guessable verifier; such a verifier never redeems a code (RFC 7636 4.1: 43-128 unreserved characters, else invalid_grant).
/// Runs after the code was read, so a replayed code still revokes what it issued whatever verifier comes with it.
/// </summary>
internal sealed class RequireCodeVerifierSyntax : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.CodeVerifier is { Length: > 0 } verifier && !IsWellFormed(verifier))
            context.Reject(Errors.InvalidGrant, "The code_verifier must be 43 to 128 unreserved characters (RFC 7636 4.1).");
        return ValueTask.CompletedTask;
    }

    internal static bool IsWellFormed(string verifier) =>
        verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}

/// <summary>
/// A code issued for a code_challenge and presented without a code_verifier is refused with invalid_grant (
/// RFC 7636 4.6, OAuth 2.1 4.1.3: the grant does not verify), where OpenIddict's own checks, which run next, call it a
/// malformed request. Runs once the code was read, so it sees whether the code carries a challenge: an app that requires
/// PKCE got none without one, and an app that does not may redeem a code issued without one using only its secret.
/// </summary>
internal sealed class RequireCodeVerifier : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.IsAuthorizationCodeGrantType() && string.IsNullOrEmpty(context.Request.CodeVerifier) &&
            !string.IsNullOrEmpty(context.AuthorizationCodePrincipal?.GetClaim(Claims.Private.CodeChallenge)))
            context.Reject(Errors.InvalidGrant, "This code was issued for a code_challenge: the code_verifier is required (RFC 7636 4.5).");
        return ValueTask.CompletedTask;
    }
}
