using System.Security.Cryptography;

namespace Imprivata.Storage.KeyVault;

/// <summary>The attributes of one version of a Key Vault key (the "attributes" object of the keys REST API).</summary>
public sealed record KeyVaultKeyVersion(
    string Version,
    bool Enabled,
    DateTimeOffset Created,
    DateTimeOffset? NotBefore,
    DateTimeOffset? Expires)
{
    /// <summary>Key Vault refuses to sign with a disabled key, or outside [nbf, exp).</summary>
    public bool IsUsableAt(DateTimeOffset now) =>
        Enabled && (NotBefore is not { } nbf || nbf <= now) && (Expires is not { } exp || now < exp);
}

/// <summary>A key version with its public part.</summary>
public sealed record KeyVaultKey(KeyVaultKeyVersion Attributes, RSAParameters PublicKey);
