using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Mfa;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// AES-256-GCM over authenticator secrets with a data key of the Secrets table, itself sealed by the Key Vault key-encryption
/// key in Azure (see <see cref="SecretKeys"/>). Format: version(1) | nonce(12) | tag(16) | ciphertext.
/// The context string is the associated data, so a sealed secret only opens for the row it was written for.
/// </summary>
public sealed class TableSecretProtector(SecretKeys keys) : ISecretProtector
{
    private const byte Version = 1;
    private readonly SecretsTableKey _key = keys.For(SecretKeys.MfaSecrets);

    public async ValueTask<byte[]> ProtectAsync(ReadOnlyMemory<byte> plaintext, string context, CancellationToken ct)
    {
        var key = await _key.GetAsync(ct).ConfigureAwait(false);
        var output = new byte[1 + 12 + 16 + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plaintext.Span, output.AsSpan(29), output.AsSpan(13, 16), Encoding.UTF8.GetBytes(context));
        return output;
    }

    public async ValueTask<byte[]> UnprotectAsync(ReadOnlyMemory<byte> protectedBytes, string context, CancellationToken ct)
    {
        var input = protectedBytes.Span.ToArray();
        if (input.Length < 29 || input[0] != Version)
            throw new CryptographicException("Sealed secret has an unknown format.");
        var key = await _key.GetAsync(ct).ConfigureAwait(false);
        var plaintext = new byte[input.Length - 29];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(input.AsSpan(1, 12), input.AsSpan(29), input.AsSpan(13, 16), plaintext, Encoding.UTF8.GetBytes(context));
        return plaintext;
    }
}
