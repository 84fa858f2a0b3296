using System.Collections.Concurrent;
using Azure.Security.KeyVault.Keys;
using Azure.Security.KeyVault.Keys.Cryptography;
using Imprivata.Storage.Secrets;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The key-encryption key as an RSA key in Key Vault (keyOps wrapKey, unwrapKey): data keys are sealed with RSA-OAEP-256, and
/// the version that sealed a key is recorded beside it, so a rotated key still opens older rows until they are re-sealed.
/// Requests go only to the configured vault, for the configured key name.
/// </summary>
public sealed class KeyVaultKeyEncryptionKey(KeyClient client, string keyName) : IKeyEncryptionKey
{
    /// <summary>The key-wrap algorithm: RSA-OAEP with SHA-256 (RSA1_5 and SHA-1 OAEP are not offered).</summary>
    public static readonly string WrapAlgorithm = KeyWrapAlgorithm.RsaOaep256.ToString();

    // One client per version for the instance's life: each fetches its version's public key once, not per data key.
    private readonly ConcurrentDictionary<string, CryptographyClient> _versions = new(StringComparer.Ordinal);

    public string KeyName => keyName;

    public async Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        var version = await GetCurrentVersionAsync(ct).ConfigureAwait(false);
        // The SDK wraps locally with the public key it fetched from the vault: RSA-OAEP needs no private key, and only the vault
        // can unwrap. Nothing but that public key is used, so a local wrap seals exactly as the vault's would.
        var wrapped = await KeyVaultRequestException.OnFailureAsync("wrapKey", keyName,
            () => ClientOf(version).WrapKeyAsync(KeyWrapAlgorithm.RsaOaep256, dataKey.ToArray(), ct)).ConfigureAwait(false);
        return new WrappedKey(keyName, version, WrapAlgorithm, wrapped.EncryptedKey);
    }

    public async Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken ct)
    {
        // The row comes from storage: a row naming another key or algorithm, or a version that is not one (a path such as
        // "..", which the URI would resolve), was not sealed by this deployment's key. Refused before asking the vault.
        if (wrapped.KeyName != keyName || wrapped.Algorithm != WrapAlgorithm || !IsVersion(wrapped.KeyVersion))
            throw new KeyVaultRequestException(
                $"A data key names another key-encryption key, algorithm or version than this service's key '{keyName}' ({WrapAlgorithm}) uses; it is not opened.");
        // Unwrapping needs the private key, which only the vault holds: always the vault's unwrapKey operation.
        var unwrapped = await KeyVaultRequestException.OnFailureAsync("unwrapKey", keyName,
            () => ClientOf(wrapped.KeyVersion).UnwrapKeyAsync(KeyWrapAlgorithm.RsaOaep256, wrapped.Value, ct)).ConfigureAwait(false);
        return unwrapped.Key;
    }

    /// <summary>The newest version, read from the vault on every call: a rotation is picked up at once.</summary>
    public async Task<string> GetCurrentVersionAsync(CancellationToken ct)
    {
        var latest = await KeyVaultRequestException.OnFailureAsync("get", keyName,
            async () => (await client.GetKeyAsync(keyName, cancellationToken: ct).ConfigureAwait(false)).Value).ConfigureAwait(false);
        // The vault refuses unwrapKey with a disabled or expired version: a data key sealed under it could not be opened.
        if (!KeyVaultKeyRing.IsUsableAt(latest.Properties, DateTimeOffset.UtcNow))
            throw new KeyVaultRequestException(
                $"The newest version of Key Vault key '{keyName}' is disabled, not yet valid or expired; data keys cannot be sealed under it.");
        return latest.Properties.Version;
    }

    /// <summary>Key Vault names key versions with 32 hexadecimal digits.</summary>
    private static bool IsVersion(string version) => version.Length == 32 && version.All(char.IsAsciiHexDigit);

    private CryptographyClient ClientOf(string version) => _versions.GetOrAdd(version, v => client.GetCryptographyClient(keyName, v));
}
