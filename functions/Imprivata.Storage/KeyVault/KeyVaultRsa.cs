using System.Security.Cryptography;
using Azure;
using Azure.Security.KeyVault.Keys.Cryptography;
using VaultSignatureAlgorithm = Azure.Security.KeyVault.Keys.Cryptography.SignatureAlgorithm;

namespace Imprivata.Storage.KeyVault;

/// <summary>
/// An <see cref="RSA"/> whose private key stays in Key Vault: public operations use the cached public key, SignHash
/// (RS256 only) is the vault's sign operation through the version's <see cref="CryptographyClient"/>, everything else that
/// needs the private key throws. Microsoft.IdentityModel and SignedXml use it like any RSA key.
/// </summary>
public sealed class KeyVaultRsa : RSA
{
    private readonly CryptographyClient _signer;
    private readonly string _keyName;
    private readonly string _version;
    private readonly RSA _publicKey;

    /// <param name="signer">The client of this very version: the SDK fetches the public key once, then signs remotely because
    /// the vault never hands out the private key.</param>
    public KeyVaultRsa(CryptographyClient signer, string keyName, string version, RSAParameters publicKey)
    {
        _signer = signer;
        _keyName = keyName;
        _version = version;
        _publicKey = Create();
        _publicKey.ImportParameters(new RSAParameters { Modulus = publicKey.Modulus, Exponent = publicKey.Exponent });
        KeySizeValue = _publicKey.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    public string KeyName => _keyName;
    public string Version => _version;

    public override RSAParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters
            ? throw new CryptographicException("The private part of a Key Vault key never leaves the vault.")
            : _publicKey.ExportParameters(false);

    public override void ImportParameters(RSAParameters parameters) =>
        throw new CryptographicException("A Key Vault key cannot be replaced by importing parameters.");

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        // Only RS256 (RFC 7518 3.3: RSASSA-PKCS1-v1_5 with SHA-256) is asked of the vault; anything else is a caller bug.
        if (hashAlgorithm != HashAlgorithmName.SHA256 || padding != RSASignaturePadding.Pkcs1)
            throw new CryptographicException($"Key Vault signing here supports SHA-256 with PKCS#1 v1.5 only, not {hashAlgorithm.Name} with {padding}.");
        if (hash.Length != SHA256.HashSizeInBytes)
            throw new CryptographicException("RS256 signs a SHA-256 digest of 32 bytes.");
        byte[] signature;
        try
        {
            // Synchronous because RSA.SignHash is: Microsoft.IdentityModel and SignedXml call it so.
            signature = _signer.Sign(VaultSignatureAlgorithm.RS256, hash).Signature;
        }
        catch (RequestFailedException e)
        {
            throw new KeyVaultRequestException("sign", _keyName, e);
        }
        // A signature that does not verify with the published key would make tokens nobody accepts: fail at the source.
        if (!_publicKey.VerifyHash(hash, signature, hashAlgorithm, padding))
            throw new CryptographicException($"Key Vault returned a signature for key '{_keyName}' that does not verify with its public key.");
        return signature;
    }

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _publicKey.VerifyHash(hash, signature, hashAlgorithm, padding);

    public override bool VerifyHash(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _publicKey.VerifyHash(hash, signature, hashAlgorithm, padding);

    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding) => _publicKey.Encrypt(data, padding);

    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding) =>
        throw new CryptographicException("Decryption with a Key Vault signing key is not supported.");

    public override bool TryDecrypt(ReadOnlySpan<byte> data, Span<byte> destination, RSAEncryptionPadding padding, out int bytesWritten) =>
        throw new CryptographicException("Decryption with a Key Vault signing key is not supported.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _publicKey.Dispose();
        base.Dispose(disposing);
    }
}
