using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Keys;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The service's Key Vault client (Azure.Security.KeyVault.Keys): one <see cref="KeyClient"/> per vault, whose pipeline the
/// signing and key-encryption <c>CryptographyClient</c>s share. Its bearer token (managed identity in Azure) is obtained after
/// the vault's 401 challenge, for the challenge's resource and tenant.
/// </summary>
public static class KeyVaultClients
{
    /// <summary>The Key Vault REST version the service is written and tested against.</summary>
    public const KeyClientOptions.ServiceVersion ServiceVersion = KeyClientOptions.ServiceVersion.V7_6;

    /// <summary>Production options: the SDK's retries (429 and 5xx) and its check that the challenge's resource is the vault's.</summary>
    public static KeyClientOptions DefaultOptions() => new(ServiceVersion);

    /// <summary>A client bound to <paramref name="vault"/>: every request, including a list's nextLink, must go to it.</summary>
    public static KeyClient Create(Uri vault, TokenCredential credential, KeyClientOptions options)
    {
        // The SDK's challenge policy refuses plain http too, but only at the first request; refusing here fails at start.
        if (vault.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException("The Key Vault URL must be https.", nameof(vault));
        options.AddPolicy(new VaultOnlyPolicy(vault), HttpPipelinePosition.PerCall);
        return new KeyClient(vault, credential, options);
    }
}
