using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 7636 4.1: a code_verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]. OpenIddict only compares hashes, so a client
/// could pick a short, guessable verifier; such a verifier never redeems a code (security-tests: short/long -> invalid_grant).
/// </summary>
internal sealed class RequireCodeVerifierSyntax : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.CodeVerifier is { } verifier && !IsWellFormed(verifier))
            context.Reject(Errors.InvalidGrant, "The code_verifier must be 43 to 128 unreserved characters (RFC 7636 4.1).");
        return ValueTask.CompletedTask;
    }

    internal static bool IsWellFormed(string verifier) =>
        verifier.Length is >= 43 and <= 128 && verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
