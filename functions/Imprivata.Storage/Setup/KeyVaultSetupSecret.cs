using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Imprivata.Core.Setup;
using Imprivata.Storage.KeyVault;

namespace Imprivata.Storage.Setup;

/// <summary>
/// The setup secret the deployment template put in Key Vault, read with the service's identity (Key Vault Secrets User on
/// that one secret). A versionless URI reads the newest version, so a redeployment's fresh secret replaces the old one.
/// </summary>
public sealed class KeyVaultSetupSecret : ISetupSecretSource
{
    private readonly SecretClient _client;
    private readonly string _name;
    private readonly string? _version;

    /// <summary>Production options: the REST version the service is tested against, the SDK's retries and challenge checks.</summary>
    public static SecretClientOptions DefaultOptions() => new(SecretClientOptions.ServiceVersion.V7_6);

    public KeyVaultSetupSecret(Uri secretUri, TokenCredential credential, SecretClientOptions options)
    {
        if (secretUri.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException("The setup secret's URI must be https.", nameof(secretUri));
        var id = new KeyVaultSecretIdentifier(secretUri);
        options.AddPolicy(new VaultOnlyPolicy(id.VaultUri), HttpPipelinePosition.PerCall);
        _client = new SecretClient(id.VaultUri, credential, options);
        _name = id.Name;
        _version = id.Version;
    }

    public bool Configured => true;

    public async Task<SetupSecret?> ReadAsync(CancellationToken ct)
    {
        try
        {
            var secret = (await _client.GetSecretAsync(_name, _version, ct).ConfigureAwait(false)).Value;
            var properties = secret.Properties;
            return new SetupSecret(secret.Value, properties.Version, properties.Enabled ?? true, properties.NotBefore, properties.ExpiresOn);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            // Status and error code only: the vault's message text is not repeated (it can quote the request).
            var code = e.ErrorCode is { Length: > 0 and <= 64 } c && c.All(char.IsAsciiLetterOrDigit) ? $" ({c})" : "";
            throw new SetupSecretUnavailableException($"Key Vault answered {e.Status}{code} to reading the secret '{_name}'.");
        }
        // The vault unreachable, the identity unable to get a token, a request the origin guard refused.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new SetupSecretUnavailableException($"The secret '{_name}' could not be read from Key Vault: {e.GetType().Name}.");
        }
    }
}
