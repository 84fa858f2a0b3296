namespace Imprivata.Storage.Secrets;

/// <summary>
/// The key-encryption key that seals the service's data keys (the rows of the Secrets table) at rest: in Azure an RSA key in
/// Key Vault whose private half never leaves the vault, so a copy of the storage account alone opens no authenticator secret,
/// code hash or token. Locally there is none and data keys are stored as they are.
/// </summary>
public interface IKeyEncryptionKey
{
    /// <summary>Seals a data key under the newest version of the key-encryption key.</summary>
    Task<WrappedKey> WrapAsync(ReadOnlyMemory<byte> dataKey, CancellationToken ct);

    /// <summary>Opens a data key with the version that sealed it.</summary>
    Task<byte[]> UnwrapAsync(WrappedKey wrapped, CancellationToken ct);

    /// <summary>The version new data keys are sealed under; rows sealed under another are re-sealed by the MaintainKeys timer.</summary>
    Task<string> GetCurrentVersionAsync(CancellationToken ct);
}

/// <summary>A data key sealed by version <paramref name="KeyVersion"/> of the key-encryption key named <paramref name="KeyName"/>.</summary>
public sealed record WrappedKey(string KeyName, string KeyVersion, string Algorithm, byte[] Value);
