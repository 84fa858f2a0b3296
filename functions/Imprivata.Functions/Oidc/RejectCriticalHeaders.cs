using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// RFC 7515 4.1.11 / RFC 7516 4.1.13: a JWS or JWE whose "crit" header names extensions the recipient does not understand
/// must be rejected. We understand none and never issue one, so any token presented to us with "crit" is refused
/// (Microsoft.IdentityModel ignores the header). Applies to id_token_hint and every other token we validate.
/// </summary>
internal sealed class RejectCriticalHeaders : IOpenIddictServerHandler<ValidateTokenContext>
{
    private static readonly JsonWebTokenHandler Reader = new();

    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Token is { } token && Reader.CanReadToken(token) && HasCriticalHeader(token))
            context.Reject(Errors.InvalidToken, "The token carries a critical header extension that is not supported.");
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// CanReadToken only checks the shape (three or five dot-separated parts): a header that is not base64url JSON throws
    /// here, and is left to OpenIddict's own validation, which refuses it (never a 500: "abc.def.ghi" as id_token_hint).
    /// </summary>
    private static bool HasCriticalHeader(string token)
    {
        try
        {
            return new JsonWebToken(token).TryGetHeaderValue<object>("crit", out _);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
