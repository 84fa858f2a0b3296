using System.Text;
using System.Text.Encodings.Web;
using Imprivata.Core.Eam;
using Imprivata.Core.Keys;
using Imprivata.Functions.Login;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Functions.Eam;

/// <summary>
/// What goes back to Entra (OAuth 2.0 Form Post Response Mode): an auto-submitting form to the validated redirect URI with
/// id_token, or error=access_denied; state only when Entra sent one. Every value is HTML-encoded.
/// </summary>
public sealed class EamAnswer(ISigningKeyRing ring, EamEndpoints endpoints, IOptions<EamOptions> options, TimeProvider time)
{
    public const string ScriptPath = "/assets/eam-post.js";
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// The id_token: iss = our EAM issuer (the discovery document's, character for character), aud = client_id, sub = the hint's
    /// sub, nonce, short lifetime, one acr and an amr array with exactly one value, RS256 by the ring's active key (its kid is in
    /// our JWKS, published there 48 h before it began to sign).
    /// </summary>
    public async Task<string> IdTokenAsync(EamRequest request, EamAuthenticationClaims claims, CancellationToken ct)
    {
        var key = await ring.GetActiveKeyAsync(ct);
        var now = time.GetUtcNow();
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = endpoints.Issuer,
            Audience = request.ClientId,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + options.Value.TokenLifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = request.Subject,
                ["nonce"] = request.Nonce,
                ["acr"] = claims.Acr,
                ["amr"] = new[] { claims.Amr },
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key.Rsa) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256),
        };
        return _handler.CreateToken(descriptor);
    }

    public static IResult Post(HttpContext http, EamRequest request, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var all = fields.ToList();
        if (request.State is { } state)
            all.Add(new("state", state));
        return Post(http, request.RedirectUri, all);
    }

    public static IResult Post(HttpContext http, string redirectUri, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Signing in</title></head><body>");
        html.Append("<form method=\"post\" action=\"").Append(HtmlEncoder.Default.Encode(redirectUri)).Append("\">");
        foreach (var (name, value) in fields)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(HtmlEncoder.Default.Encode(name))
                .Append("\" value=\"").Append(HtmlEncoder.Default.Encode(value)).Append("\">");
        }
        html.Append("<noscript><button type=\"submit\">Continue</button></noscript></form>");
        html.Append("<script src=\"").Append(ScriptPath).Append("\"></script></body></html>");
        PageHeaders.Apply(http, ownScripts: true);
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8);
    }

    public static IResult AccessDenied(HttpContext http, EamRequest request) =>
        Post(http, request, [new("error", "access_denied")]);

    public static IResult AccessDenied(HttpContext http, string redirectUri, string? state)
    {
        List<KeyValuePair<string, string>> fields = [new("error", "access_denied")];
        if (state is not null)
            fields.Add(new("state", state));
        return Post(http, redirectUri, fields);
    }
}
