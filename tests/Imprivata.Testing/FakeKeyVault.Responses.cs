using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imprivata.Testing;

/// <summary>The fake vault's answers: keys, rotation policies, the challenge, and the key operations with their body checks.</summary>
public sealed partial class FakeKeyVault
{
    /// <summary>Key Vault's answer to a request without a valid token: where to get one, and for which resource.</summary>
    private static Task ChallengeAsync(HttpListenerContext context)
    {
        context.Response.AddHeader("WWW-Authenticate", $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{Resource}\"");
        return WriteAsync(context, 401, new JsonObject { ["error"] = new JsonObject { ["code"] = "Unauthorized", ["message"] = "AKV10000: Request is missing a Bearer or PoP token." } });
    }

    private Task WriteRotationPolicyAsync(HttpListenerContext context, string name)
    {
        if (!RotationPolicyReadable)
            return WriteAsync(context, 403, new JsonObject { ["error"] = new JsonObject { ["code"] = "Forbidden", ["message"] = "Caller is not authorized to perform action on resource." } });
        var actions = new JsonArray();
        if (RotateAfter is { } after)
            actions.Add(new JsonObject { ["trigger"] = new JsonObject { ["timeAfterCreate"] = after }, ["action"] = new JsonObject { ["type"] = "Rotate" } });
        actions.Add(new JsonObject { ["trigger"] = new JsonObject { ["timeBeforeExpiry"] = "P30D" }, ["action"] = new JsonObject { ["type"] = "Notify" } });
        return WriteAsync(context, 200, new JsonObject
        {
            ["id"] = $"{VaultUri}keys/{name}/rotationpolicy",
            ["lifetimeActions"] = actions,
            ["attributes"] = new JsonObject { ["expiryTime"] = "P1Y", ["created"] = 1700000000, ["updated"] = 1700000000 },
        });
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
                ["key_ops"] = version.Name switch
                {
                    KekName => new JsonArray("wrapKey", "unwrapKey"),
                    SealKeyName => new JsonArray("unwrapKey"),
                    _ => new JsonArray("sign", "verify"),
                },
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
        if (CorruptSignatures)
            signature[^1] ^= 1;
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
}
