using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The Key Vault keys REST calls the service needs (get key, list versions, sign, wrap and unwrap), api-version 7.4, over Azure.Core's
/// pipeline with a bearer token for https://vault.azure.net/.default. (Azure.Security.KeyVault.Keys is not available here;
/// the REST API is the contract that SDK wraps.)
/// </summary>
public sealed class KeyVaultKeysClient
{
    public const string Scope = "https://vault.azure.net/.default";
    public const string ApiVersion = "7.4";
    /// <summary>The key-wrap algorithm: RSA-OAEP with SHA-256 (RSA1_5 and SHA-1 OAEP are not offered).</summary>
    public const string WrapAlgorithm = "RSA-OAEP-256";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _vault;

    public KeyVaultKeysClient(Uri vaultUri, TokenCredential credential, KeyVaultKeysClientOptions? options = null)
    {
        // Azure.Core's bearer policy refuses plain http, so the token only ever travels over TLS.
        if (vaultUri.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException("The Key Vault URL must be https.", nameof(vaultUri));
        _vault = new Uri(vaultUri.GetLeftPart(UriPartial.Authority));
        _pipeline = HttpPipelineBuilder.Build(options ?? new KeyVaultKeysClientOptions(), new BearerTokenAuthenticationPolicy(credential, Scope));
    }

    public Uri VaultUri => _vault;

    /// <summary>GET {vault}/keys/{name}/{version}: the public key and attributes.</summary>
    public async Task<KeyVaultKey> GetKeyAsync(string keyName, string version, CancellationToken ct)
    {
        using var message = CreateMessage(RequestMethod.Get, keyName, version);
        await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        using var json = Parse(message, "get", keyName);
        return ReadKey(json.RootElement, keyName);
    }

    /// <summary>GET {vault}/keys/{name}/ (no version): the newest version of the key.</summary>
    public Task<KeyVaultKey> GetLatestKeyAsync(string keyName, CancellationToken ct) => GetKeyAsync(keyName, "", ct);

    /// <summary>GET {vault}/keys/{name}/versions, following nextLink (on the same vault only).</summary>
    public async Task<IReadOnlyList<KeyVaultKeyVersion>> GetVersionsAsync(string keyName, CancellationToken ct)
    {
        var versions = new List<KeyVaultKeyVersion>();
        Uri? next = null;
        do
        {
            using var message = CreateMessage(RequestMethod.Get, keyName, "versions");
            if (next is not null)
                message.Request.Uri.Reset(next);
            await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
            using var json = Parse(message, "list versions", keyName);
            foreach (var item in json.RootElement.GetProperty("value").EnumerateArray())
                versions.Add(ReadVersion(item, keyName));
            next = NextLink(json.RootElement, keyName);
        }
        while (next is not null);
        return versions;
    }

    /// <summary>POST {vault}/keys/{name}/{version}/sign with RS256 over a SHA-256 digest. Synchronous: RSA.SignHash is.</summary>
    public byte[] SignRs256(string keyName, string version, ReadOnlySpan<byte> sha256Digest, CancellationToken ct = default)
    {
        using var message = CreateSignMessage(keyName, version, sha256Digest);
        _pipeline.Send(message, ct);
        return ReadSignature(message, keyName);
    }

    public async Task<byte[]> SignRs256Async(string keyName, string version, ReadOnlyMemory<byte> sha256Digest, CancellationToken ct)
    {
        using var message = CreateSignMessage(keyName, version, sha256Digest.Span);
        await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        return ReadSignature(message, keyName);
    }

    /// <summary>POST {vault}/keys/{name}/{version}/wrapkey with RSA-OAEP-256; the wrapped bytes, opened only by the same version.</summary>
    public Task<byte[]> WrapKeyAsync(string keyName, string version, ReadOnlyMemory<byte> dataKey, CancellationToken ct) =>
        KeyOperationAsync("wrapkey", keyName, version, dataKey, ct);

    /// <summary>POST {vault}/keys/{name}/{version}/unwrapkey with RSA-OAEP-256.</summary>
    public Task<byte[]> UnwrapKeyAsync(string keyName, string version, ReadOnlyMemory<byte> wrapped, CancellationToken ct) =>
        KeyOperationAsync("unwrapkey", keyName, version, wrapped, ct);

    private async Task<byte[]> KeyOperationAsync(string operation, string keyName, string version, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        // An empty version would address the newest key: unwrapping must name the version that wrapped.
        if (string.IsNullOrEmpty(version))
            throw new ArgumentException("A key operation names the key version.", nameof(version));
        using var message = CreateMessage(RequestMethod.Post, keyName, version, operation);
        message.Request.Headers.Add(HttpHeader.Common.JsonContentType);
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["alg"] = WrapAlgorithm, ["value"] = Base64Url.EncodeToString(value.Span) }));
        await _pipeline.SendAsync(message, ct).ConfigureAwait(false);
        using var json = Parse(message, operation, keyName);
        return Base64Url.DecodeFromChars(RequiredString(json.RootElement, "value", keyName));
    }

    private HttpMessage CreateSignMessage(string keyName, string version, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != SHA256.HashSizeInBytes)
            throw new CryptographicException("RS256 signs a SHA-256 digest of 32 bytes.");
        var message = CreateMessage(RequestMethod.Post, keyName, version, "sign");
        message.Request.Headers.Add(HttpHeader.Common.JsonContentType);
        message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["alg"] = "RS256", ["value"] = Base64Url.EncodeToString(digest) }));
        return message;
    }

    private static byte[] ReadSignature(HttpMessage message, string keyName)
    {
        using var json = Parse(message, "sign", keyName);
        return Base64Url.DecodeFromChars(RequiredString(json.RootElement, "value", keyName));
    }

    private HttpMessage CreateMessage(RequestMethod method, string keyName, params string[] segments)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(_vault);
        message.Request.Uri.AppendPath("/keys/", escape: false);
        message.Request.Uri.AppendPath(keyName, escape: true);
        foreach (var segment in segments)
        {
            message.Request.Uri.AppendPath("/", escape: false);
            message.Request.Uri.AppendPath(segment, escape: true);
        }
        message.Request.Uri.AppendQuery("api-version", ApiVersion);
        message.Request.Headers.Add(HttpHeader.Common.JsonAccept);
        return message;
    }

    private static JsonDocument Parse(HttpMessage message, string operation, string keyName)
    {
        var response = message.Response;
        if (response.Status is < 200 or > 299)
            throw new KeyVaultRequestException(operation, keyName, response.Status, ErrorCodeOf(response), RetryAfterOf(response));
        try
        {
            return JsonDocument.Parse(response.Content);
        }
        catch (JsonException)
        {
            throw new KeyVaultRequestException($"Key Vault answered {operation} of key '{keyName}' with a body that is not JSON.");
        }
    }

    /// <summary>Key Vault errors look like {"error":{"code":"...","message":"..."}}; only the code is kept.</summary>
    private static string? ErrorCodeOf(Response response)
    {
        try
        {
            using var json = JsonDocument.Parse(response.Content);
            return json.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String && code.GetString() is { Length: <= 64 } text && text.All(char.IsAsciiLetterOrDigit)
                ? text
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfterOf(Response response) =>
        response.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private Uri? NextLink(JsonElement root, string keyName)
    {
        if (!root.TryGetProperty("nextLink", out var link) || link.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(link.GetString()))
            return null;
        // The bearer token must never be sent anywhere but the configured vault.
        if (!Uri.TryCreate(link.GetString(), UriKind.Absolute, out var next) || new Uri(next.GetLeftPart(UriPartial.Authority)) != _vault)
            throw new KeyVaultRequestException($"Key Vault listed versions of key '{keyName}' with a nextLink outside the vault.");
        return next;
    }

    private static KeyVaultKey ReadKey(JsonElement root, string keyName)
    {
        var key = root.GetProperty("key");
        var kty = RequiredString(key, "kty", keyName);
        if (kty is not ("RSA" or "RSA-HSM"))
            throw new KeyVaultRequestException($"Key Vault key '{keyName}' is of type {kty}; an RSA key is required.");
        var attributes = ReadVersion(root, keyName, RequiredString(key, "kid", keyName));
        var publicKey = new RSAParameters
        {
            Modulus = TrimLeadingZero(Base64Url.DecodeFromChars(RequiredString(key, "n", keyName))),
            Exponent = Base64Url.DecodeFromChars(RequiredString(key, "e", keyName)),
        };
        return new KeyVaultKey(attributes, publicKey);
    }

    private static KeyVaultKeyVersion ReadVersion(JsonElement item, string keyName) =>
        ReadVersion(item, keyName, RequiredString(item, "kid", keyName));

    private static KeyVaultKeyVersion ReadVersion(JsonElement item, string keyName, string kid)
    {
        var attributes = item.GetProperty("attributes");
        return new KeyVaultKeyVersion(
            VersionOf(kid),
            attributes.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.True,
            UnixTime(attributes, "created") ?? throw new KeyVaultRequestException($"Key Vault key '{keyName}' has a version without a creation time."),
            UnixTime(attributes, "nbf"),
            UnixTime(attributes, "exp"));
    }

    /// <summary>A kid is {vault}/keys/{name}/{version}.</summary>
    private static string VersionOf(string kid) => kid.TrimEnd('/')[(kid.TrimEnd('/').LastIndexOf('/') + 1)..];

    private static DateTimeOffset? UnixTime(JsonElement attributes, string name) =>
        attributes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeSeconds(value.GetInt64())
            : null;

    private static string RequiredString(JsonElement element, string name, string keyName) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            ? text
            : throw new KeyVaultRequestException($"Key Vault's answer about key '{keyName}' lacks \"{name}\".");

    /// <summary>Some encoders keep the sign byte of the modulus; RSAParameters wants the bare magnitude.</summary>
    private static byte[] TrimLeadingZero(byte[] modulus) => modulus.Length > 1 && modulus[0] == 0 ? modulus[1..] : modulus;
}
