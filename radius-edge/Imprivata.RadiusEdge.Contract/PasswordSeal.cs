using System.Security.Cryptography;
using System.Text;

namespace Imprivata.RadiusEdge.Contract;

/// <summary>A password sealed with a fresh AES-256-GCM key wrapped by RSA-OAEP-256. Fields are base64url.</summary>
public sealed record SealedPassword(string Alg, string? Kid, string EncryptedKey, string Iv, string Ciphertext, string Tag);

/// <summary>
/// Seals the PAP password to the backend's RSA public key (RSA-OAEP with SHA-256 wrapping an AES-256-GCM content key,
/// as JWE "RSA-OAEP-256" + "A256GCM"). The additional data binds the ciphertext to its request id and edge id, so a
/// sealed password cannot be replayed inside another request.
/// </summary>
public static class PasswordSeal
{
    public const string Algorithm = "RSA-OAEP-256+A256GCM";
    private const int KeyLength = 32, NonceLength = 12, TagLength = 16;

    public static SealedPassword Seal(ReadOnlySpan<byte> password, RSA backendPublicKey, string? keyId, string requestId, string edgeId)
    {
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var ciphertext = new byte[password.Length];
        var tag = new byte[TagLength];
        try
        {
            using (var aes = new AesGcm(key, TagLength))
                aes.Encrypt(nonce, password, ciphertext, tag, AdditionalData(requestId, edgeId));
            var wrapped = backendPublicKey.Encrypt(key, RSAEncryptionPadding.OaepSHA256);
            return new SealedPassword(Algorithm, keyId, B64(wrapped), B64(nonce), B64(ciphertext), B64(tag));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Opens a sealed password (the backend side). Throws <see cref="CryptographicException"/> when it does not open.</summary>
    public static byte[] Open(SealedPassword sealedPassword, RSA backendPrivateKey, string requestId, string edgeId)
    {
        CheckAlgorithm(sealedPassword);
        var key = backendPrivateKey.Decrypt(Base64Url.Decode(sealedPassword.EncryptedKey), RSAEncryptionPadding.OaepSHA256);
        return OpenWith(key, sealedPassword, requestId, edgeId);
    }

    /// <summary>
    /// Opens a sealed password whose private key stays elsewhere: <paramref name="unwrapKey"/> gets the wrapped content key and
    /// the key id and returns it RSA-OAEP-256-decrypted (a key vault's unwrapKey). Throws <see cref="CryptographicException"/>
    /// when it does not open.
    /// </summary>
    public static async Task<byte[]> OpenAsync(SealedPassword sealedPassword, Func<byte[], string?, CancellationToken, Task<byte[]>> unwrapKey,
        string requestId, string edgeId, CancellationToken cancellationToken)
    {
        CheckAlgorithm(sealedPassword);
        var key = await unwrapKey(Base64Url.Decode(sealedPassword.EncryptedKey), sealedPassword.Kid, cancellationToken).ConfigureAwait(false);
        return OpenWith(key, sealedPassword, requestId, edgeId);
    }

    private static void CheckAlgorithm(SealedPassword sealedPassword)
    {
        if (sealedPassword.Alg != Algorithm)
            throw new CryptographicException("Unsupported seal algorithm.");
    }

    private static byte[] OpenWith(byte[] key, SealedPassword sealedPassword, string requestId, string edgeId)
    {
        try
        {
            if (key.Length != KeyLength)
                throw new CryptographicException("The content key has the wrong length.");
            var ciphertext = Base64Url.Decode(sealedPassword.Ciphertext);
            var plain = new byte[ciphertext.Length];
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(Base64Url.Decode(sealedPassword.Iv), ciphertext, Base64Url.Decode(sealedPassword.Tag), plain,
                AdditionalData(requestId, edgeId));
            return plain;
        }
        catch (FormatException e)
        {
            throw new CryptographicException("A sealed field is not base64url.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] AdditionalData(string requestId, string edgeId) =>
        Encoding.UTF8.GetBytes($"{BridgeContract.AuthenticateType}|{BridgeContract.Version}|{edgeId}|{requestId}");

    private static string B64(byte[] bytes) => Base64Url.Encode(bytes);
}

internal static class Base64Url
{
    public static string Encode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
