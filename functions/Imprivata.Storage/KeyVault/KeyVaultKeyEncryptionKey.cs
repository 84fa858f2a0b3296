using Imprivata.Storage.Secrets;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The key-encryption key as an RSA key in Key Vault (keyOps wrapKey, unwrapKey): data keys are sealed with RSA-OAEP-256 by the
/// vault, and the version that sealed a key is recorded beside it, so a rotated key still opens older rows until they are
/// re-sealed. Requests go only to the configured vault, for the configured key name.
/// </summary>
public sealed class KeyVaultKeyEncryptionKey(KeyVaultKeysClient client, string keyName) : IKeyEncryptionKey
{
    public string KeyName => keyName;

    public async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        var version = await GetCurrentVersionAsync(ct).ConfigureAwait(false);
        var wrapped = await client.WrapKeyAsync(keyName, version, dataKey, ct).ConfigureAwait(false);
        return new WrappedKey(keyName, version, KeyVaultKeysClient.WrapAlgorithm, wrapped);
    }

    public Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken ct)
    {
        // The row comes from storage: a row naming another key or algorithm, or a version that is not one (a path such as
        // "..", which the URI would resolve), was not sealed by this deployment's key. Refused before asking the vault.
        if (wrapped.KeyName != keyName || wrapped.Algorithm != KeyVaultKeysClient.WrapAlgorithm || !IsVersion(wrapped.KeyVersion))
            throw new KeyVaultRequestException(
                $"A data key names another key-encryption key, algorithm or version than this service's key '{keyName}' ({KeyVaultKeysClient.WrapAlgorithm}) uses; it is not opened.");
        return client.UnwrapKeyAsync(keyName, wrapped.KeyVersion, wrapped.Value, ct);
    }

    /// <summary>Key Vault names key versions with 32 hexadecimal digits.</summary>
    private static bool IsVersion(string version) => version.Length == 32 && version.All(char.IsAsciiHexDigit);

    public async Task<string> GetCurrentVersionAsync(CancellationToken ct)
    {
        var latest = await client.GetLatestKeyAsync(keyName, ct).ConfigureAwait(false);
        if (!latest.Attributes.Enabled)
            throw new KeyVaultRequestException($"The newest version of Key Vault key '{keyName}' is disabled; data keys cannot be sealed under it.");
        return latest.Attributes.Version;
    }
}
