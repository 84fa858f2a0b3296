using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Imprivata.Functions.Eam;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Eam;

/// <summary>Our discovery document and JWKS against the rules Entra applies when the external method is saved, and the self-check.</summary>
[Collection(EamCollection.Name)]
public sealed class EamDiscoveryTests(EamFixture fx)
{
    private const string Suffix = "/.well-known/openid-configuration";

    [Fact]
    public async Task DiscoveryDocument_HasEntrasMembers_IssuerIsTheUrlWithoutSuffix_WithContentLength()
    {
        using var http = new HttpClient();
        var url = fx.Issuer + Suffix;
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.False(response.Headers.TransferEncodingChunked ?? false);
        var doc = JsonDocument.Parse(body).RootElement;
        Assert.Equal(fx.Issuer, doc.GetProperty("issuer").GetString());
        Assert.Equal(fx.Issuer + "/authorize", doc.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(fx.Issuer + "/jwks", doc.GetProperty("jwks_uri").GetString());
        Assert.Contains("openid", Strings(doc, "scopes_supported"));
        Assert.Contains("id_token", Strings(doc, "response_types_supported"));
        Assert.Contains("form_post", Strings(doc, "response_modes_supported"));
        Assert.Contains("RS256", Strings(doc, "id_token_signing_alg_values_supported"));
        Assert.NotEmpty(Strings(doc, "subject_types_supported"));
    }

    [Fact]
    public async Task Jwks_EveryKeyHasX5cOfItsOwnPublicKey_NoPrivateMembers_WithContentLength()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(fx.Issuer + "/jwks");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var keys = JsonDocument.Parse(body).RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(
                Convert.FromBase64String(key.GetProperty("x5c")[0].GetString()!));
            using var rsa = certificate.GetRSAPublicKey()!;
            Assert.Equal(key.GetProperty("n").GetString(), Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(rsa.ExportParameters(false).Modulus));
            Assert.Equal("RS256", key.GetProperty("alg").GetString());
            Assert.False(key.TryGetProperty("d", out _));
            Assert.False(key.TryGetProperty("p", out _));
        }
    }

    [Fact]
    public async Task SelfCheck_OfOurOwnDocument_FindsOnlyThatThisTestServiceIsNotHttps()
    {
        var problems = await fx.Get<EamSelfCheck>().CheckAsync(fx.Issuer + Suffix, CancellationToken.None);

        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.Equal("https", p.Rule));
    }

    public static TheoryData<string, string> BrokenDocuments => new()
    {
        { "issuer mismatch", "issuer" },
        { "issuer with trailing slash", "issuer" },
        { "query string", "query" },
        { "missing x5c", "x5c" },
        { "chunked", "content_length" },
        { "no form_post", "response_modes_supported" },
        { "no subject types", "subject_types_supported" },
    };

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public async Task SelfCheck_ListsTheRuleADocumentBreaks(string broken, string rule)
    {
        using var peer = new LoopbackHttpPeer(context => ServeAsync(context, broken));
        var url = peer.BaseUri + "eam" + Suffix + (broken == "query string" ? "?tenant=1" : "");

        var problems = await fx.Get<EamSelfCheck>().CheckAsync(url, CancellationToken.None);

        Assert.Contains(problems, p => p.Rule == rule);
        // Besides the loopback peer's plain http, the broken rule is the only one reported.
        Assert.All(problems, p => Assert.Contains(p.Rule, new[] { rule, "https" }));
    }

    [Fact]
    public async Task SelfCheck_OfAWellFormedDocument_FindsOnlyHttp()
    {
        using var peer = new LoopbackHttpPeer(context => ServeAsync(context, "none"));

        var problems = await fx.Get<EamSelfCheck>().CheckAsync(peer.BaseUri + "eam" + Suffix, CancellationToken.None);

        Assert.Equal(["https"], problems.Select(p => p.Rule).Distinct());
    }

    private static async Task ServeAsync(HttpListenerContext context, string broken)
    {
        var self = $"http://{context.Request.Url!.Authority}/eam";
        object body = context.Request.Url.AbsolutePath.EndsWith("/jwks", StringComparison.Ordinal)
            ? new { keys = new[] { broken == "missing x5c" ? (object)new { kty = "RSA", kid = "k1", n = "AQAB", e = "AQAB" } : new { kty = "RSA", kid = "k1", n = "AQAB", e = "AQAB", x5c = new[] { "MIIB" } } } }
            : new Dictionary<string, object>
            {
                ["issuer"] = broken switch { "issuer mismatch" => "https://other.example/eam", "issuer with trailing slash" => self + "/", _ => self },
                ["authorization_endpoint"] = "https://provider.example/eam/authorize",
                ["jwks_uri"] = self + "/jwks",
                ["scopes_supported"] = new[] { "openid" },
                ["response_types_supported"] = new[] { "id_token" },
                ["response_modes_supported"] = broken == "no form_post" ? new[] { "fragment" } : new[] { "form_post" },
                ["subject_types_supported"] = broken == "no subject types" ? Array.Empty<string>() : new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            };
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
        context.Response.ContentType = "application/json";
        if (broken == "chunked")
            context.Response.SendChunked = true;
        else
            context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    private static List<string?> Strings(JsonElement doc, string name) => [.. doc.GetProperty(name).EnumerateArray().Select(v => v.GetString())];
}
