using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace Imprivata.Testing;

/// <summary>
/// The vault's secrets endpoint: GET secrets/{name} (the newest version) and secrets/{name}/{version}, with the attributes
/// Key Vault returns. Like the real vault it hands out an expired secret's value (its "exp" is informational); a disabled
/// one is refused with 403 (SecretDisabled).
/// </summary>
public sealed partial class FakeKeyVault
{
    public const string SetupSecretName = "setup-secret";

    public sealed record SecretVersion(string Name, string Id, string Value, bool Enabled, DateTimeOffset Created, DateTimeOffset? Expires);

    private readonly ConcurrentDictionary<string, SecretVersion> _secrets = new();

    /// <summary>A new version of the secret (the newest), as a deployment writes it.</summary>
    public SecretVersion SetSecret(string name, string value, DateTimeOffset? expires = null, bool enabled = true)
    {
        var version = new SecretVersion(name, Guid.NewGuid().ToString("N"), value, enabled, DateTimeOffset.UtcNow.AddTicks(_secrets.Count), expires);
        _secrets[version.Id] = version;
        return version;
    }

    /// <summary>The versionless URI the template gives the app (Imprivata__Setup__SecretUri).</summary>
    public Uri SecretUri(string name) => new(VaultUri, "secrets/" + name);

    /// <summary><see cref="Options"/> for the secrets client.</summary>
    public static SecretClientOptions SecretOptions(int maxRetries = 0)
    {
        var options = new SecretClientOptions(SecretClientOptions.ServiceVersion.V7_6)
        {
            Transport = new HttpClientTransport(new HttpClient(new LoopbackTlsTerminator { InnerHandler = new SocketsHttpHandler() })),
            DisableChallengeResourceVerification = true,
        };
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        return options;
    }

    private async Task HandleSecretAsync(HttpListenerContext context, string path, string[] segments)
    {
        if (context.Request.HttpMethod != "GET" || segments.Length is not (2 or 3))
        {
            await RejectAsync(context, $"unexpected {context.Request.HttpMethod} {path}");
            return;
        }
        var versions = _secrets.Values.Where(s => s.Name == segments[1]).ToList();
        var secret = segments.Length == 3 && segments[2].Length > 0
            ? versions.FirstOrDefault(s => s.Id == segments[2])
            : versions.MaxBy(s => s.Created);
        if (secret is null)
        {
            await WriteAsync(context, 404, new JsonObject { ["error"] = new JsonObject { ["code"] = "SecretNotFound", ["message"] = "not found" } });
            return;
        }
        if (!secret.Enabled)
        {
            await WriteAsync(context, 403, new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = "Forbidden", ["message"] = "Operation get is not allowed on a disabled secret.",
                    ["innererror"] = new JsonObject { ["code"] = "SecretDisabled" } },
            });
            return;
        }
        var attributes = new JsonObject
        {
            ["enabled"] = true,
            ["created"] = secret.Created.ToUnixTimeSeconds(),
            ["updated"] = secret.Created.ToUnixTimeSeconds(),
            ["recoveryLevel"] = "Recoverable+Purgeable",
        };
        if (secret.Expires is { } exp)
            attributes["exp"] = exp.ToUnixTimeSeconds();
        await WriteAsync(context, 200, new JsonObject
        {
            ["value"] = secret.Value,
            ["id"] = $"{VaultUri}secrets/{secret.Name}/{secret.Id}",
            ["contentType"] = "text/plain",
            ["attributes"] = attributes,
        });
    }
}
