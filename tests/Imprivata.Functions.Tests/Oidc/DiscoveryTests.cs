using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>/.well-known/openid-configuration and /.well-known/jwks (OIDC Discovery 1.0 section 3, RFC 7517, RFC 9207).</summary>
public sealed class DiscoveryTests(OidcFixture fx) : IClassFixture<OidcFixture>
{
    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var browser = fx.NewBrowser();
        var response = await browser.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string[] Strings(JsonElement doc, string name) => [.. doc.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task Discovery_Issuer_EqualsTheUrlPrefix()
    {
        var doc = await GetJsonAsync("/.well-known/openid-configuration");
        var issuer = doc.GetProperty("issuer").GetString()!;
        // Discovery 4.3: the issuer plus /.well-known/openid-configuration is where this document was fetched.
        Assert.Equal(fx.Service.BaseUri, new Uri(issuer));
        Assert.Equal(new Uri(fx.Service.BaseUri, ".well-known/openid-configuration"), new Uri(issuer.TrimEnd('/') + "/.well-known/openid-configuration"));
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint" })
            Assert.StartsWith(issuer, doc.GetProperty(endpoint).GetString());
    }

    [Fact]
    public async Task Discovery_SigningAlgorithms_Rs256AndNeverNone()
    {
        var algs = Strings(await GetJsonAsync("/.well-known/openid-configuration"), "id_token_signing_alg_values_supported");
        Assert.Contains("RS256", algs);
        Assert.DoesNotContain("none", algs);
        Assert.DoesNotContain(algs, a => a.StartsWith("HS", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discovery_CodeChallengeMethods_OnlyS256()
    {
        Assert.Equal(["S256"], Strings(await GetJsonAsync("/.well-known/openid-configuration"), "code_challenge_methods_supported"));
    }

    [Fact]
    public async Task Discovery_ResponseTypes_CodeOnly()
    {
        var doc = await GetJsonAsync("/.well-known/openid-configuration");
        var types = Strings(doc, "response_types_supported");
        Assert.Contains("code", types);
        Assert.DoesNotContain(types, t => t.Split(' ').Contains("token") || t.Split(' ').Contains("id_token"));
        var grants = Strings(doc, "grant_types_supported");
        Assert.DoesNotContain("password", grants);
        Assert.DoesNotContain("implicit", grants);
    }

    [Fact]
    public async Task Discovery_PromptValues_OnlyThoseThatWork()
    {
        var prompts = Strings(await GetJsonAsync("/.well-known/openid-configuration"), "prompt_values_supported");
        // consent is accepted but no consent screen exists (docs/decisions/012); select_account is the sign-in page.
        Assert.Equal(["login", "none", "select_account"], prompts.Order());
    }

    [Fact]
    public async Task Discovery_ClientAuthentication_SecretsOnly()
    {
        var doc = await GetJsonAsync("/.well-known/openid-configuration");
        // No client can register a key: private_key_jwt is neither advertised nor accepted.
        foreach (var name in new[] { "token_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported" })
            Assert.Equal(["client_secret_basic", "client_secret_post"], Strings(doc, name).Order());
    }

    [Fact]
    public async Task Discovery_IssParameter_Supported()
    {
        var doc = await GetJsonAsync("/.well-known/openid-configuration");
        Assert.True(doc.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    [Fact]
    public async Task Jwks_Keys_PublicOnlyWithKidAlgAndX5c()
    {
        var jwks = await GetJsonAsync("/.well-known/jwks");
        var keys = jwks.GetProperty("keys").EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            Assert.Equal("RSA", key.GetProperty("kty").GetString());
            Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
            Assert.Equal("RS256", key.GetProperty("alg").GetString());
            Assert.NotEmpty(key.GetProperty("x5c").EnumerateArray());
            // RFC 7518 6.3.2: the private members must never be published.
            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "oth", "k" })
                Assert.False(key.TryGetProperty(secret, out _), "JWKS publishes private member " + secret);
        }
    }

    [Fact]
    public async Task Jwks_X5c_CertifiesTheSameKey()
    {
        var jwks = await GetJsonAsync("/.well-known/jwks");
        foreach (var key in jwks.GetProperty("keys").EnumerateArray())
        {
            using var cert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(
                Convert.FromBase64String(key.GetProperty("x5c")[0].GetString()!));
            using var rsa = cert.GetRSAPublicKey()!;
            var modulus = rsa.ExportParameters(false).Modulus!;
            Assert.Equal(key.GetProperty("n").GetString(), OidcFlow.Base64Url(modulus));
        }
    }
}
