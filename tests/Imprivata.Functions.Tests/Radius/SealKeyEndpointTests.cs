using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Keys;
using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>GET /radius/v1/seal-key: the key edges seal to, as PEM and JWK with one key id; what is sealed to it opens.</summary>
public sealed class SealKeyEndpointTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    [Fact]
    public async Task Get_PemAndJwkOfOneKey_ThumbprintAsKeyId_NoPrivateMembers()
    {
        using var http = new HttpClient { BaseAddress = world.Backend.Service.BaseUri };

        var response = await http.GetAsync(SealKeyEndpoint.Path);
        var text = await response.Content.ReadAsStringAsync();
        var body = (await response.Content.ReadFromJsonAsync<SealKeyEndpoint.SealKeyResponse>())!;

        Assert.Equal("public, max-age=300", response.Headers.CacheControl!.ToString());
        using var rsa = RSA.Create();
        rsa.ImportFromPem(body.Pem);
        var parameters = rsa.ExportParameters(false);
        Assert.Equal((2048, "RSA-OAEP-256", "enc", "RSA"), (rsa.KeySize, body.Alg, body.Jwk.Use, body.Jwk.Kty));
        Assert.Equal(JwkThumbprint.OfRsa(parameters), body.Kid);
        Assert.Equal((body.Kid, System.Buffers.Text.Base64Url.EncodeToString(parameters.Modulus)), (body.Jwk.Kid, body.Jwk.N));
        Assert.DoesNotContain("\"d\"", text);
        Assert.DoesNotContain("PRIVATE", text);
    }

    [Fact]
    public async Task Unwrap_SealedToThePublishedKey_Opens_AnotherKeyIdRefused()
    {
        using var rsa = await world.Backend.SealPublicKeyAsync();
        var (kid, _) = await world.Backend.SealKeyAsync();
        var key = world.Backend.Get<IRadiusSealKey>();
        var sealedPassword = PasswordSeal.Seal("arctangent"u8, rsa, kid, "r1", "e1");

        var opened = await PasswordSeal.OpenAsync(sealedPassword, (w, k, ct) => key.UnwrapAsync(k, w, ct), "r1", "e1", CancellationToken.None);

        Assert.Equal("arctangent", Encoding.UTF8.GetString(opened));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => key.UnwrapAsync("another-key", Convert.FromBase64String("AAAA"), CancellationToken.None));
    }
}
