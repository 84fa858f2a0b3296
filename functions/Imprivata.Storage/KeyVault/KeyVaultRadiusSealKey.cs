using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Security.KeyVault.Keys;
using Azure.Security.KeyVault.Keys.Cryptography;
using Imprivata.Core.Radius;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// The RADIUS seal key as an RSA key in Key Vault (keyOps unwrapKey): edges seal to the newest version's public key, whose
/// version is the key id they send back; opening is the vault's unwrapKey with that version (RSA-OAEP-256), so the private
/// key never leaves the vault and an older version still opens seals made before a rotation while it is enabled.
/// </summary>
public sealed class KeyVaultRadiusSealKey(KeyClient client, string keyName, TimeProvider time) : IRadiusSealKey
{
    /// <summary>How long the newest version's public key is served before the vault is asked again.</summary>
    public static readonly TimeSpan PublicKeyRefresh = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, CryptographyClient> _versions = new(StringComparer.Ordinal);
    // A reference, published whole.
    private Current? _current;

    private sealed record Current(RadiusSealPublicKey Key, DateTimeOffset ReadAt);

    public async Task<RadiusSealPublicKey> GetPublicKeyAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Volatile.Read(ref _current) is { } cached && now - cached.ReadAt < PublicKeyRefresh)
            return cached.Key;
        var latest = await KeyVaultRequestException.OnFailureAsync("get", keyName,
            async () => (await client.GetKeyAsync(keyName, cancellationToken: ct).ConfigureAwait(false)).Value).ConfigureAwait(false);
        if (!KeyVaultKeyRing.IsUsableAt(latest.Properties, now) || latest.Key.N is not { Length: > 0 } n || latest.Key.E is not { Length: > 0 } e)
            throw new KeyVaultRequestException($"The newest version of Key Vault key '{keyName}' is not a usable RSA key; edges cannot seal passwords to it.");
        var key = new RadiusSealPublicKey(latest.Properties.Version, n, e);
        Volatile.Write(ref _current, new Current(key, now));
        return key;
    }

    public async Task<byte[]> UnwrapAsync(string? keyId, byte[] wrappedKey, CancellationToken ct)
    {
        var version = keyId ?? (await GetPublicKeyAsync(ct).ConfigureAwait(false)).KeyId;
        // The id comes from the request: only a Key Vault version (32 hex digits) is ever put into a vault URI.
        if (version.Length != 32 || !version.All(char.IsAsciiHexDigit))
            throw new CryptographicException("The password was sealed to a key this backend does not hold.");
        try
        {
            var unwrapped = await KeyVaultRequestException.OnFailureAsync("unwrapKey", keyName,
                () => _versions.GetOrAdd(version, v => client.GetCryptographyClient(keyName, v)).UnwrapKeyAsync(KeyWrapAlgorithm.RsaOaep256, wrappedKey, ct)).ConfigureAwait(false);
            return unwrapped.Key;
        }
        catch (KeyVaultRequestException e) when (e.Status is 400 or 404)
        {
            // The vault read the request and refused the seal (not a version of ours, not our ciphertext): it will never open.
            throw new CryptographicException("The sealed password does not open with the backend's key: " + e.Message);
        }
    }
}
