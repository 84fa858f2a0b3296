using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imprivata.Core.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// Forged id_token_hints (RFC 8725 2.1-2.8, 3.1, 3.11; RFC 7515 4.1.11 crit): each keeps the genuine token's payload (right
/// iss, aud, sub, exp) and attacks only the header or signature. A hint that were treated as valid would issue a code with
/// prompt=none at /connect/authorize, or end the session without confirmation at /connect/logout.
/// </summary>
public sealed class JwtHintTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    public static TheoryData<string> Forgeries => new()
    {
        "alg-none", "alg-none-with-kid", "alg-None-mixed-case", "hs256-with-public-key-pem", "hs256-with-public-key-der",
        "unknown-kid", "embedded-jwk", "jku-header", "x5u-header", "typ-at+jwt", "unknown-crit", "es256-r-s-zero",
        "tampered-sub", "no-signature",
    };

    private sealed record Session(OidcFlow Browser, string IdToken, SigningKey Key, string OtherUserId);

    private async Task<Session> SignedInAsync()
    {
        var user = await fx.NewUserAsync();
        var other = await fx.NewUserAsync();
        var browser = fx.NewBrowser();
        var tokens = await browser.GetTokensAsync(fx.NewRequest(), user.Username, OidcFixture.Password, fx.Secret);
        var key = await fx.Service.Services.GetRequiredService<ISigningKeyRing>().GetActiveKeyAsync(CancellationToken.None);
        return new Session(browser, tokens.IdToken!, key, other.Id);
    }

    private static string Segment(JsonObject json) => OidcFlow.Base64Url(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static string SignRs256(string signingInput, RSA rsa) =>
        OidcFlow.Base64Url(rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private static JsonObject AttackerJwk(RSA rsa, string kid)
    {
        var p = rsa.ExportParameters(false);
        return new JsonObject { ["kty"] = "RSA", ["kid"] = kid, ["n"] = OidcFlow.Base64Url(p.Modulus!), ["e"] = OidcFlow.Base64Url(p.Exponent!) };
    }

    /// <summary>The genuine payload re-signed as the variant says.</summary>
    internal static string Forge(string variant, string genuine, SigningKey key, string otherUserId)
    {
        var payload = genuine.Split('.')[1];
        using var attacker = RSA.Create(2048);
        string Rs(JsonObject header, RSA rsa, string body) => Segment(header) + "." + body + "." + SignRs256(Segment(header) + "." + body, rsa);
        string Hs(byte[] secret)
        {
            var input = Segment(new JsonObject { ["alg"] = "HS256", ["kid"] = key.KeyId, ["typ"] = "JWT" }) + "." + payload;
            return input + "." + OidcFlow.Base64Url(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
        }
        return variant switch
        {
            "genuine-resigned" => Rs(new JsonObject { ["alg"] = "RS256", ["kid"] = key.KeyId, ["typ"] = "JWT" }, key.Rsa, payload),
            "alg-none" => Segment(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }) + "." + payload + ".",
            "alg-none-with-kid" => Segment(new JsonObject { ["alg"] = "none", ["kid"] = key.KeyId, ["typ"] = "JWT" }) + "." + payload + ".",
            "alg-None-mixed-case" => Segment(new JsonObject { ["alg"] = "None", ["kid"] = key.KeyId, ["typ"] = "JWT" }) + "." + payload + ".",
            "hs256-with-public-key-pem" => Hs(Encoding.ASCII.GetBytes(key.Rsa.ExportSubjectPublicKeyInfoPem())),
            "hs256-with-public-key-der" => Hs(key.Rsa.ExportSubjectPublicKeyInfo()),
            "unknown-kid" => Rs(new JsonObject { ["alg"] = "RS256", ["kid"] = "attacker-key", ["typ"] = "JWT" }, attacker, payload),
            "embedded-jwk" => Rs(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["jwk"] = AttackerJwk(attacker, "attacker-key") }, attacker, payload),
            "jku-header" => Rs(new JsonObject { ["alg"] = "RS256", ["kid"] = "attacker-key", ["typ"] = "JWT", ["jku"] = "https://evil.example/jwks" }, attacker, payload),
            "x5u-header" => Rs(new JsonObject { ["alg"] = "RS256", ["kid"] = "attacker-key", ["typ"] = "JWT", ["x5u"] = "https://evil.example/cert.pem" }, attacker, payload),
            "typ-at+jwt" => Rs(new JsonObject { ["alg"] = "RS256", ["kid"] = key.KeyId, ["typ"] = "at+jwt" }, key.Rsa, payload),
            "unknown-crit" => Rs(new JsonObject { ["alg"] = "RS256", ["kid"] = key.KeyId, ["typ"] = "JWT", ["crit"] = new JsonArray("urn:example:must-understand"), ["urn:example:must-understand"] = true }, key.Rsa, payload),
            "es256-r-s-zero" => Segment(new JsonObject { ["alg"] = "ES256", ["kid"] = key.KeyId, ["typ"] = "JWT" }) + "." + payload + "." + OidcFlow.Base64Url(new byte[64]),
            "tampered-sub" => TamperedSub(genuine, otherUserId),
            "no-signature" => string.Join('.', genuine.Split('.')[..2]) + ".",
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };
    }

    private static string TamperedSub(string genuine, string otherUserId)
    {
        var parts = genuine.Split('.');
        var json = JsonNode.Parse(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))))!.AsObject();
        json["sub"] = otherUserId;
        return parts[0] + "." + Segment(json) + "." + parts[2];
    }

    private static string Pad(string s) => s + new string('=', (4 - s.Length % 4) % 4);

    private static bool IssuedCode(HttpResponseMessage response) =>
        response.Headers.Location is { } l && l.IsAbsoluteUri && OidcFlow.ResponseAt(l.OriginalString).Code is not null;

    [Fact]
    public async Task Baseline_GenuinePayloadResignedWithOurKey_AcceptedByAuthorize()
    {
        // Proves the forgeries below differ from an accepted hint only by what they attack.
        var s = await SignedInAsync();
        var hint = Forge("genuine-resigned", s.IdToken, s.Key, s.OtherUserId);
        Assert.True(IssuedCode(await s.Browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none").With("id_token_hint", hint))));
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Authorize_ForgedIdTokenHint_NeverIssuesCode(string variant)
    {
        var s = await SignedInAsync();
        var hint = Forge(variant, s.IdToken, s.Key, s.OtherUserId);
        var response = await s.Browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none").With("id_token_hint", hint));
        Assert.False(IssuedCode(response), variant + " was accepted as id_token_hint");
        // Still signed in: the forged hint changed nothing.
        Assert.True(IssuedCode(await s.Browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"))));
    }

    [Fact]
    public async Task Logout_GenuineHint_EndsSessionWithoutConfirmation()
    {
        var s = await SignedInAsync();
        var response = await s.Browser.GetAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/connect/logout",
            new Dictionary<string, string?> { ["id_token_hint"] = s.IdToken, ["post_logout_redirect_uri"] = OidcFixture.PostLogoutUri.ToString() }));
        Assert.StartsWith(OidcFixture.PostLogoutUri.ToString(), OidcFlow.LocationOf(response));
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Logout_ForgedIdTokenHint_NeverEndsSessionSilently(string variant)
    {
        var s = await SignedInAsync();
        var hint = Forge(variant, s.IdToken, s.Key, s.OtherUserId);
        var response = await s.Browser.GetAsync(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/connect/logout",
            new Dictionary<string, string?> { ["id_token_hint"] = hint, ["post_logout_redirect_uri"] = OidcFixture.PostLogoutUri.ToString() }));
        Assert.Null(response.Headers.Location);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{variant}: {(int)response.StatusCode}");
        Assert.True(IssuedCode(await s.Browser.AuthorizeAsync(fx.NewRequest().With("prompt", "none"))), variant + " ended the session");
    }
}
