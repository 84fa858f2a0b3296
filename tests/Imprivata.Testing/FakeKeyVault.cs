using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Keys;
using Imprivata.Storage.KeyVault;

namespace Imprivata.Testing;

/// <summary>
/// A Key Vault keys endpoint on 127.0.0.1 (HttpListener) that holds real RSA keys, signs with them, and enforces the documented
/// request shape: method, path, api-version=7.6, the challenge flow (a request without a token gets 401 and
/// "WWW-Authenticate: Bearer authorization=..., resource=https://vault.azure.net"; it must not carry the body), then
/// "Authorization: Bearer {token}", and JSON body {"alg":"RS256","value":base64url} for sign and
/// {"alg":"RSA-OAEP-256","value":base64url} for wrapkey / unwrapkey. It holds the keys the deployment does: the signing key
/// (sign, verify), the key-encryption key (wrapKey, unwrapKey) and the RADIUS seal key (unwrapKey); an operation the key does not
/// allow is refused.
/// A request that breaks the contract gets 400 and is recorded in <see cref="Violations"/>.
/// Each instance listens on a port no earlier instance in this process used: the SDK caches a vault's challenge per host and
/// port for the whole process, and a fresh authority is challenged again.
/// </summary>
public sealed partial class FakeKeyVault : IDisposable
{
    public const string KeyName = "idp-signing";
    public const string KekName = "data-kek";
    /// <summary>The RADIUS seal key: edges seal passwords to its public key; only unwrapKey is allowed.</summary>
    public const string SealKeyName = "radius-seal";
    public const string ApiVersion = "7.6";
    /// <summary>The resource a Key Vault challenge names; the token is asked for its "/.default" scope.</summary>
    public const string Resource = "https://vault.azure.net";
    public const string TenantId = "5b1d7c2e-4f8a-4c3b-9e6d-0a1b2c3d4e5f";

    private static readonly ConcurrentDictionary<int, bool> UsedPorts = new();
    private readonly LoopbackHttpPeer _peer;
    private readonly ConcurrentDictionary<string, Version> _versions = new();

    public FakeKeyVault()
    {
        var taken = new List<LoopbackHttpPeer>();
        while (true)
        {
            var peer = new LoopbackHttpPeer(HandleAsync, e => Violations.Enqueue("handler crashed: " + e.Message));
            if (UsedPorts.TryAdd(peer.Port, true))
            {
                _peer = peer;
                break;
            }
            taken.Add(peer); // held open until a fresh port comes up, so the OS does not offer it again
        }
        foreach (var peer in taken)
            peer.Dispose();
    }

    public int Port => _peer.Port;
    /// <summary>What the service is configured with; <see cref="Options"/>' transport carries it to the plain-http listener.</summary>
    public Uri VaultUri => new($"https://127.0.0.1:{Port}/");
    public TestCredential Credential { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();
    /// <summary>The requests that carried the bearer token, as "METHOD /path", in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();
    /// <summary>When set, every authenticated request is answered with this status and a Key Vault error body.</summary>
    public int? FailWith { get; set; }
    /// <summary>The nextLink of the versions list's last page (null: none).</summary>
    public string? NextLink { get; set; }
    /// <summary>When set, the versions list comes in pages of this size, each but the last with a nextLink as Key Vault writes
    /// it: same vault, api-version, $skiptoken and maxresults.</summary>
    public int? PageSize { get; set; }
    /// <summary>The rotate action's timeAfterCreate in the keys' rotation policy; null: the policy only notifies.</summary>
    public string? RotateAfter { get; set; } = "P90D";
    /// <summary>Whether the caller may read rotation policies (the Key Vault Crypto User role may not).</summary>
    public bool RotationPolicyReadable { get; set; } = true;
    /// <summary>When set, sign answers with a signature that does not verify.</summary>
    public bool CorruptSignatures { get; set; }
    public int Challenges => _challenges;
    private int _challenges;
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

    /// <summary>A new version of the RADIUS seal key (the newest by creation is the one a versionless GET returns).</summary>
    public Version AddSealKeyVersion(DateTimeOffset created, bool enabled = true)
    {
        var version = new Version(Guid.NewGuid().ToString("N"), RSA.Create(2048), enabled, created, Name: SealKeyName);
        _versions[version.Id] = version;
        return version;
    }

    /// <summary>Turns a version off, as an operator does once nothing depends on it any more.</summary>
    public void Disable(Version version) => _versions[version.Id] = version with { Enabled = false };

    public void Enable(Version version) => _versions[version.Id] = version with { Enabled = true };

    /// <summary>The service's own client (<see cref="KeyVaultClients.Create"/>) over <see cref="Options"/>.</summary>
    public KeyClient NewClient(int maxRetries = 0) => KeyVaultClients.Create(VaultUri, Credential, Options(maxRetries));

    /// <summary>The SDK sends bearer tokens over https only; this transport hands the https request to the local listener.</summary>
    public static KeyClientOptions Options(int maxRetries = 0)
    {
        var options = new KeyClientOptions(KeyVaultClients.ServiceVersion)
        {
            Transport = new HttpClientTransport(new HttpClient(new LoopbackTlsTerminator { InnerHandler = new SocketsHttpHandler() })),
            // The challenge's resource (vault.azure.net) must be a suffix of the vault's host, which 127.0.0.1 is not. Tests only:
            // the service keeps the check.
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        return options;
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        // Key Vault's paths are case-insensitive (the SDK posts to .../unwrapKey); recorded and matched in lower case.
        var path = request.Url!.AbsolutePath.ToLowerInvariant();
        var paging = request.QueryString.AllKeys.Where(k => k is "$skiptoken" or "maxresults").Count();
        if (request.QueryString["api-version"] != ApiVersion || request.QueryString.Count != 1 + paging || (paging > 0 && !path.EndsWith("/versions", StringComparison.Ordinal)))
        {
            await RejectAsync(context, $"api-version must be exactly {ApiVersion}: " + request.Url.Query);
            return;
        }
        var authorization = request.Headers["Authorization"];
        if (authorization is null)
        {
            // The first request to a vault the client has not met: no token yet, and the body held back until it has one.
            Interlocked.Increment(ref _challenges);
            if (request.HasEntityBody)
                Violations.Enqueue($"{request.HttpMethod} {path} sent its body before authenticating");
            await ChallengeAsync(context);
            return;
        }
        if (authorization != "Bearer " + Credential.Token)
        {
            Violations.Enqueue("wrong bearer token");
            await ChallengeAsync(context);
            return;
        }
        Requests.Enqueue($"{request.HttpMethod} {path}");
        if (FailWith is { } status)
        {
            if (status == 429)
                context.Response.AddHeader("Retry-After", "7");
            await WriteAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = status == 401 ? "Unauthorized" : status == 403 ? "Forbidden" : status == 429 ? "Throttled" : "InternalServerError", ["message"] = "token " + Credential.Token + " rejected" } });
            return;
        }

        var segments = path.Trim('/').Split('/');
        if (segments is ["secrets", ..])
        {
            await HandleSecretAsync(context, path, segments);
            return;
        }
        if (segments is not ["keys", KeyName or KekName or SealKeyName, ..])
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
                    ["nextLink"] = more ? $"{VaultUri}keys/{name}/versions?api-version={ApiVersion}&$skiptoken={skip + take}&maxresults={take}" : NextLink,
                });
                return;
            case ("GET", 3) when segments[2] == "rotationpolicy":
                await WriteRotationPolicyAsync(context, name);
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
            case ("POST", 4) when segments[3] == "unwrapkey" && name == SealKeyName && versions.TryGetValue(segments[2], out var seal):
                await WrapAsync(context, seal, unwrap: true);
                return;
            case ("POST", 4) when versions.ContainsKey(segments[2]):
                // The vault's answer to an operation the key's keyOps do not allow.
                await WriteAsync(context, 403, new JsonObject { ["error"] = new JsonObject { ["code"] = "Forbidden", ["message"] = "Operation not allowed for this key." } });
                return;
            default:
                await RejectAsync(context, $"unexpected {request.HttpMethod} {path}");
                return;
        }
    }

    public void Dispose()
    {
        _peer.Dispose();
        foreach (var version in _versions.Values)
            version.Key.Dispose();
    }
}
