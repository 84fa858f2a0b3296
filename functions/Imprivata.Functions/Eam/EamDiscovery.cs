using System.Text.Json;
using Imprivata.Core.Keys;
using Imprivata.Functions.Oidc;

namespace Imprivata.Functions.Eam;

/// <summary>
/// The discovery document and JWKS Entra reads (and caches about a day): written as bytes with a Content-Length, which Entra
/// requires, rather than streamed in chunks.
/// </summary>
public static class EamDiscovery
{
    public static IResult Document(EamEndpoints endpoints) => Json(new Dictionary<string, object>
    {
        ["issuer"] = endpoints.Issuer,
        ["authorization_endpoint"] = endpoints.AuthorizationEndpoint,
        ["jwks_uri"] = endpoints.JwksUri,
        ["scopes_supported"] = new[] { "openid" },
        ["response_types_supported"] = new[] { "id_token" },
        ["response_modes_supported"] = new[] { "form_post" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["claims_parameter_supported"] = true,
        ["claims_supported"] = new[] { "sub", "iss", "aud", "exp", "iat", "nonce", "acr", "amr" },
    });

    /// <summary>Every published key of the ring, each with x5c (Entra refuses a key without it); never private members.</summary>
    public static async Task<IResult> KeysAsync(ISigningKeyRing ring, CancellationToken ct)
    {
        var keys = await ring.GetPublishedKeysAsync(ct);
        return Json(new
        {
            keys = keys.Select(PublishKeyCertificates.ToJwk).Select(k => new { k.Kty, k.Use, k.Alg, k.Kid, k.N, k.E, k.X5t, x5c = k.X5c.ToArray() }),
        });
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static IResult Json(object value) =>
        Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(value, Options), "application/json");
}
