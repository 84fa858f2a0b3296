using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Eam;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Testing;

/// <summary>
/// Microsoft Entra ID as seen by an external-method provider, on loopback: for each cloud (public, usgov, china) a metadata
/// document and a JWKS in the shape Entra publishes (issuer template "https://{host}/{tenantid}/v2.0"; each key with x5c and
/// its own "issuer"), and id_token_hints minted the way Entra mints them (RS256, already expired, ver 2.0, tid, oid, sub).
/// The issuer the hints carry is the real cloud's; only where the keys are fetched from is local.
/// </summary>
public sealed class EntraTestAuthority : IDisposable
{
    private readonly LoopbackHttpPeer _peer;
    private readonly Dictionary<string, RSA> _keys = [];

    /// <summary>
    /// A tenant whose own signing key the public cloud also publishes (Entra does so for apps with custom signing keys): that
    /// key's "issuer" names this tenant only, so it must not vouch for another tenant's token.
    /// </summary>
    public const string KeyBoundTenantId = "11111111-2222-4333-8444-555555555555";
    public const string TenantBoundKeyId = "entra-public-tenant-bound-key";
    private readonly RSA _tenantBoundKey = RSA.Create(2048);

    public EntraTestAuthority()
    {
        foreach (var cloud in EntraCloud.All)
            _keys[cloud.Name] = RSA.Create(2048);
        _peer = new LoopbackHttpPeer(ServeAsync);
    }

    public Uri BaseUri => _peer.BaseUri;
    /// <summary>How many times any JWKS was fetched (the provider caches them).</summary>
    public int KeyFetches;

    public string MetadataUrl(EntraCloud cloud) => $"{BaseUri}{cloud.Name}/common/v2.0/.well-known/openid-configuration";

    /// <summary>The service settings that point every cloud's metadata at this authority.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Imprivata:Eam:PublicMetadataUrl"] = MetadataUrl(EntraCloud.Public),
        ["Imprivata:Eam:UsGovMetadataUrl"] = MetadataUrl(EntraCloud.UsGovernment),
        ["Imprivata:Eam:ChinaMetadataUrl"] = MetadataUrl(EntraCloud.China),
    };

    public static string KeyIdOf(EntraCloud cloud) => "entra-" + cloud.Name + "-key";

    /// <summary>The claims of a fresh hint for (tid, oid) with aud = the provider's App ID; change any before minting.</summary>
    public static Dictionary<string, object> HintClaims(EntraCloud cloud, string tenantId, string objectId, string appId, DateTimeOffset? issuedAt = null)
    {
        var iat = (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return new Dictionary<string, object>
        {
            ["ver"] = "2.0",
            ["iss"] = cloud.IssuerOf(tenantId),
            ["aud"] = appId,
            ["sub"] = "pairwise-" + objectId[..8],
            ["oid"] = objectId,
            ["tid"] = tenantId,
            ["name"] = "Test User",
            ["preferred_username"] = "someone@contoso.example",
            ["iat"] = iat,
            ["nbf"] = iat,
            // Issued expired, as Entra does.
            ["exp"] = iat - 1,
        };
    }

    /// <summary>RS256 with the cloud's published key (or <paramref name="key"/>, e.g. an attacker's), kid as given.</summary>
    public string Mint(EntraCloud cloud, IDictionary<string, object> claims, RSA? key = null, string? kid = null) =>
        SignRs256(claims, key ?? _keys[cloud.Name], kid ?? KeyIdOf(cloud));

    /// <summary>Signed by the public cloud's key bound to <see cref="KeyBoundTenantId"/>.</summary>
    public string MintWithTenantBoundKey(IDictionary<string, object> claims) => SignRs256(claims, _tenantBoundKey, TenantBoundKeyId);

    public static string SignRs256(IDictionary<string, object> claims, RSA key, string kid)
    {
        var input = Encode(new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = kid }) + "." + Encode(claims);
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>An unsigned token (alg none).</summary>
    public static string Unsigned(IDictionary<string, object> claims, string kid) =>
        Encode(new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "none", ["kid"] = kid }) + "." + Encode(claims) + ".";

    /// <summary>HS256 keyed with the cloud's public key bytes (the algorithm-confusion attack).</summary>
    public string Hs256WithPublicKey(EntraCloud cloud, IDictionary<string, object> claims)
    {
        var input = Encode(new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "HS256", ["kid"] = KeyIdOf(cloud) }) + "." + Encode(claims);
        var mac = HMACSHA256.HashData(_keys[cloud.Name].ExportSubjectPublicKeyInfo(), Encoding.ASCII.GetBytes(input));
        return input + "." + Base64UrlEncoder.Encode(mac);
    }

    private static string Encode(IDictionary<string, object> part) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(part));

    private async Task ServeAsync(System.Net.HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath.Trim('/');
        var cloud = EntraCloud.All.FirstOrDefault(c => path.StartsWith(c.Name + "/", StringComparison.Ordinal));
        object? body = null;
        if (cloud is not null && path == $"{cloud.Name}/common/v2.0/.well-known/openid-configuration")
        {
            body = new Dictionary<string, object>
            {
                ["token_endpoint"] = $"https://{cloud.Host}/common/oauth2/v2.0/token",
                ["jwks_uri"] = $"{BaseUri}{cloud.Name}/discovery/v2.0/keys",
                ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
                ["subject_types_supported"] = new[] { "pairwise" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "id_token token" },
                ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
                ["issuer"] = cloud.IssuerTemplate,
                ["authorization_endpoint"] = $"https://{cloud.Host}/common/oauth2/v2.0/authorize",
                ["cloud_instance_name"] = cloud.Host,
            };
        }
        else if (cloud is not null && path == $"{cloud.Name}/discovery/v2.0/keys")
        {
            Interlocked.Increment(ref KeyFetches);
            body = new { keys = cloud == EntraCloud.Public
                ? new[] { Jwk(cloud, _keys[cloud.Name], KeyIdOf(cloud), cloud.IssuerTemplate), Jwk(cloud, _tenantBoundKey, TenantBoundKeyId, cloud.IssuerOf(KeyBoundTenantId)) }
                : [Jwk(cloud, _keys[cloud.Name], KeyIdOf(cloud), cloud.IssuerTemplate)] };
        }
        if (body is null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    private static Dictionary<string, object> Jwk(EntraCloud cloud, RSA rsa, string kid, string issuer)
    {
        var p = rsa.ExportParameters(false);
        using var certificate = new CertificateRequest("CN=accounts.accesscontrol.windows.net", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["x5t"] = Base64UrlEncoder.Encode(certificate.GetCertHash()),
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["x5c"] = new[] { Convert.ToBase64String(certificate.RawData) },
            ["cloud_instance_name"] = cloud.Host,
            ["issuer"] = issuer,
        };
    }

    public void Dispose()
    {
        _peer.Dispose();
        foreach (var key in _keys.Values)
            key.Dispose();
        _tenantBoundKey.Dispose();
    }
}
