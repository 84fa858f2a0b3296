using System.Buffers.Text;
using System.Text.Json;
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
    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.Token is { } token && HasCriticalHeader(token))
            context.Reject(Errors.InvalidToken, "The token carries a critical header extension that is not supported.");
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Reads only the protected header, the first part of a JWS and of a JWE alike (RFC 7515 7.1, RFC 7516 7.1), and
    /// without exceptions: anything that is not a base64url JSON object there is no JWT we issued, and is left to OpenIddict's
    /// own validation, which refuses it. (JsonWebToken's constructor throws for such strings, FormatException for a
    /// five-part one: "e30.a.b.c.d" as a bearer token was a 500.)
    /// </summary>
    internal static bool HasCriticalHeader(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || !Base64Url.IsValid(token.AsSpan(0, dot), out var length))
            return false;
        var header = new byte[length];
        if (Base64Url.DecodeFromChars(token.AsSpan(0, dot), header) != length)
            return false;
        try
        {
            using var json = JsonDocument.Parse(header);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("crit", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
