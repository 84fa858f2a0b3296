using Azure.Core;

namespace Imprivata.Storage.KeyVault;

/// <summary>Pipeline settings (retries, transport) of <see cref="KeyVaultKeysClient"/>; Azure.Core's defaults retry 429 and 5xx.</summary>
public sealed class KeyVaultKeysClientOptions : ClientOptions
{
}
