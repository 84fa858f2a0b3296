using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Imprivata.Storage.KeyVault;

namespace Imprivata.Testing;

/// <summary>
/// A Key Vault keys endpoint on 127.0.0.1 (HttpListener) that holds real RSA keys, signs with them, and enforces the documented
/// request shape: method, path, api-version=7.4, "Authorization: Bearer {token}", JSON body {"alg":"RS256","value":base64url}
/// for sign and {"alg":"RSA-OAEP-256","value":base64url} for wrapkey / unwrapkey. It holds two keys as the deployment does: the
/// signing key (sign, verify) and the key-encryption key (wrapKey, unwrapKey); an operation the key does not allow is refused.
/// A request that breaks the contract gets 400 and is recorded in <see cref="Violations"/>.
/// </summary>
public sealed class FakeKeyVault : IDisposable
{
    public const string KeyName = "idp-signing";
    public const string KekName = "data-kek";

    private readonly LoopbackHttpPeer _peer;
    private readonly ConcurrentDictionary<string, Version> _versions = new();

    public FakeKeyVault() => _peer = new LoopbackHttpPeer(HandleAsync, e => Violations.Enqueue("handler crashed: " + e.Message));

    public int Port => _peer.Port;
    /// <summary>What the service is configured with; <see cref="Transport"/> carries it to the plain-http listener.</summary>
    public Uri VaultUri => new($"https://127.0.0.1:{Port}/");
    public TestCredential Credential { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();
    /// <summary>When set, every request is answered with this status and a Key Vault error body.</summary>
    public int? FailWith { get; set; }
    /// <summary>The nextLink of the versions list's last page (null: none).</summary>
    public string? NextLink { get; set; }
    /// <summary>When set, the versions list comes in pages of this size, each but the last with a nextLink as Key Vault writes
    /// it: same vault, api-version, $skiptoken and maxresults.</summary>
    public int? PageSize { get; set; }
    public int SignCount => _signCount;
    private int _signCount;
    public int UnwrapCount => _unwrapCount;
    private int _unwrapCount;

    public sealed record Version(string Id, RSA Key, bool Enabled, DateTimeOffset Created, DateTimeOffset? NotBefore = null, DateTimeOffset? Expires = null,
        string Name = KeyName);

    public Version AddVersion(DateTimeOffset created, bool enabled = true, DateTimeOffset? expires = null)
    {
        var version = new Version(Guid.NewGuid().ToString("N"), RSA.Create(2048), enabled, created, null, expires);
        _versions[version.Id] = version;
        return version;
    }

    /// <summary>A new version of the key-encryption key (the newest by creation is the one a versionless GET returns).</summary>
    public Version AddKekVersion(DateTimeOffset created, bool enabled = true)
    {
        var version = new Version(Guid.NewGuid().ToString("N"), RSA.Create(2048), enabled, created, Name: KekName);
        _versions[version.Id] = version;
        return version;
    }

    /// <summary>Turns a version off, as an operator does once nothing depends on it any more.</summary>
    public void Disable(Version version) => _versions[version.Id] = version with { Enabled = false };

    public void Enable(Version version) => _versions[version.Id] = version with { Enabled = true };

    public KeyVaultKeysClient NewClient(int maxRetries = 0) => new(VaultUri, Credential, Options(maxRetries));

    /// <summary>Azure.Core sends bearer tokens over https only; this transport hands the https request to the local listener.</summary>
    public static KeyVaultKeysClientOptions Options(int maxRetries = 0)
    {
        var options = new KeyVaultKeysClientOptions
        {
            Transport = new HttpClientTransport(new HttpClient(new LoopbackTlsTerminator { InnerHandler = new SocketsHttpHandler() })),
        };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        return options;
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        Requests.Enqueue($"{request.HttpMethod} {path}");
        if (FailWith is { } status)
        {
            if (status == 429)
                context.Response.AddHeader("Retry-After", "7");
            await WriteAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = status == 401 ? "Unauthorized" : status == 429 ? "Throttled" : "InternalServerError", ["message"] = "token " + Credential.Token + " rejected" } });
            return;
        }
        var paging = request.QueryString.AllKeys.Where(k => k is "$skiptoken" or "maxresults").Count();
        if (request.QueryString["api-version"] != "7.4" || request.QueryString.Count != 1 + paging || (paging > 0 && !path.EndsWith("/versions", StringComparison.Ordinal)))
        {
            await RejectAsync(context, "api-version must be exactly 7.4: " + request.Url.Query);
            return;
        }
        if (request.Headers["Authorization"] != "Bearer " + Credential.Token)
        {
            Violations.Enqueue("missing or wrong bearer token");
            await WriteAsync(context, 401, new JsonObject { ["error"] = new JsonObject { ["code"] = "Unauthorized" } });
            return;
        }

        var segments = path.Trim('/').Split('/');
        if (segments is not ["keys", KeyName or KekName, ..])
        {
            await RejectAsync(context, "unknown path " + path);
            return;
        }
        var name = segments[1];
        var versions = _versions.Values.Where(v => v.Name == name).ToDictionary(v => v.Id);
        switch (request.HttpMethod, segments.Length)
        {
            // GET keys/{name}/ (no version): the newest version.
            case ("GET", 2) when path.EndsWith('/'):
                if (versions.Values.MaxBy(v => v.Created) is not { } latest)
                {
                    await WriteAsync(context, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "KeyNotFound" } });
                    return;
                }
                await WriteKeyAsync(context, latest);
                return;
            case ("GET", 3) when segments[2] == "versions":
                var all = versions.Values.OrderBy(v => v.Created).ToList();
                var skip = int.TryParse(request.QueryString["$skiptoken"], out var s) ? s : 0;
                var take = PageSize ?? all.Count;
                var more = skip + take < all.Count;
                await WriteAsync(context, 200, new JsonObject
                {
                    ["value"] = new JsonArray(all.Skip(skip).Take(take).Select(v => (JsonNode)new JsonObject
                    {
                        ["kid"] = Kid(v),
                        ["attributes"] = Attributes(v),
                    }).ToArray()),
                    ["nextLink"] = more ? $"{VaultUri}keys/{name}/versions?api-version=7.4&$skiptoken={skip + take}&maxresults={take}" : NextLink,
                });
                return;
            case ("GET", 3) when versions.TryGetValue(segments[2], out var version):
                await WriteKeyAsync(context, version);
                return;
            case ("POST", 4) when segments[3] == "sign" && name == KeyName && versions.TryGetValue(segments[2], out var signer):
                await SignAsync(context, signer);
                return;
            case ("POST", 4) when segments[3] is "wrapkey" or "unwrapkey" && name == KekName && versions.TryGetValue(segments[2], out var kek):
                await WrapAsync(context, kek, unwrap: segments[3] == "unwrapkey");
                return;
            default:
                await RejectAsync(context, $"unexpected {request.HttpMethod} {path}");
                return;
        }
    }

    private Task WriteKeyAsync(HttpListenerContext context, Version version)
    {
        var parameters = version.Key.ExportParameters(false);
        return WriteAsync(context, 200, new JsonObject
        {
            ["key"] = new JsonObject
            {
                ["kid"] = Kid(version),
                ["kty"] = "RSA-HSM",
                ["key_ops"] = version.Name == KekName ? new JsonArray("wrapKey", "unwrapKey") : new JsonArray("sign", "verify"),
                ["n"] = Base64Url.EncodeToString(parameters.Modulus),
                ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            },
            ["attributes"] = Attributes(version),
        });
    }

    /// <summary>
    /// The body of a key operation as documented: Content-Type application/json, exactly {"alg":..., "value":base64url without
    /// padding}. Null (and a 400 recorded as a violation) when it is not.
    /// </summary>
    private async Task<byte[]?> OperationValueAsync(HttpListenerContext context, string operation, string alg)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await RejectAsync(context, operation + " needs Content-Type application/json");
            return null;
        }
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        if (body.Count != 2 || (string?)body["alg"] != alg || body["value"]?.GetValueKind() != JsonValueKind.String)
        {
            await RejectAsync(context, $"{operation} body must be exactly {{\"alg\":\"{alg}\",\"value\":...}}: " + body.ToJsonString());
            return null;
        }
        var encoded = (string)body["value"]!;
        if (encoded.Contains('=') || encoded.Contains('+') || encoded.Contains('/'))
        {
            await RejectAsync(context, "value must be base64url without padding");
            return null;
        }
        return Base64Url.DecodeFromChars(encoded);
    }

    private async Task WrapAsync(HttpListenerContext context, Version version, bool unwrap)
    {
        if (await OperationValueAsync(context, unwrap ? "unwrapkey" : "wrapkey", "RSA-OAEP-256") is not { } value)
            return;
        if (!version.Enabled)
        {
            await WriteAsync(context, 403, new JsonObject { ["error"] = new JsonObject { ["code"] = "Forbidden", ["message"] = "Operation is not allowed on a disabled key." } });
            return;
        }
        byte[] result;
        try
        {
            result = unwrap ? version.Key.Decrypt(value, RSAEncryptionPadding.OaepSHA256) : version.Key.Encrypt(value, RSAEncryptionPadding.OaepSHA256);
        }
        catch (CryptographicException)
        {
            await WriteAsync(context, 400, new JsonObject { ["error"] = new JsonObject { ["code"] = "BadParameter" } });
            return;
        }
        if (unwrap)
            Interlocked.Increment(ref _unwrapCount);
        await WriteAsync(context, 200, new JsonObject { ["kid"] = Kid(version), ["value"] = Base64Url.EncodeToString(result) });
    }

    private async Task SignAsync(HttpListenerContext context, Version version)
    {
        if (await OperationValueAsync(context, "sign", "RS256") is not { } digest)
            return;
        if (digest.Length != 32)
        {
            await RejectAsync(context, "RS256 needs a 32-byte digest");
            return;
        }
        Interlocked.Increment(ref _signCount);
        var signature = version.Key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        await WriteAsync(context, 200, new JsonObject { ["kid"] = Kid(version), ["value"] = Base64Url.EncodeToString(signature) });
    }

    private string Kid(Version version) => $"{VaultUri}keys/{version.Name}/{version.Id}";

    private static JsonObject Attributes(Version version)
    {
        var attributes = new JsonObject
        {
            ["enabled"] = version.Enabled,
            ["created"] = version.Created.ToUnixTimeSeconds(),
            ["updated"] = version.Created.ToUnixTimeSeconds(),
            ["recoveryLevel"] = "Recoverable",
        };
        if (version.NotBefore is { } nbf)
            attributes["nbf"] = nbf.ToUnixTimeSeconds();
        if (version.Expires is { } exp)
            attributes["exp"] = exp.ToUnixTimeSeconds();
        return attributes;
    }

    private Task RejectAsync(HttpListenerContext context, string violation)
    {
        Violations.Enqueue(violation);
        return WriteAsync(context, 400, new JsonObject { ["error"] = new JsonObject { ["code"] = "BadParameter" } });
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    public void Dispose()
    {
        _peer.Dispose();
        foreach (var version in _versions.Values)
            version.Key.Dispose();
    }

    /// <summary>Plays TLS termination for the test: the listener is plain http on loopback.</summary>
    private sealed class LoopbackTlsTerminator : DelegatingHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct) => base.Send(Downgrade(request), ct);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(Downgrade(request), ct);

        private static HttpRequestMessage Downgrade(HttpRequestMessage request)
        {
            if (request.RequestUri is not { Scheme: "https", Host: "127.0.0.1" } uri)
                throw new InvalidOperationException("The test transport only carries requests to the local fake vault.");
            request.RequestUri = new UriBuilder(uri) { Scheme = "http" }.Uri;
            return request;
        }
    }
}

/// <summary>A token credential for the fake vault; records the scopes asked for.</summary>
public sealed class TestCredential : TokenCredential
{
    public string Token { get; } = "test-token-" + Guid.NewGuid().ToString("N");
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
            Scopes.Enqueue(scope);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
