using System.Security.Cryptography;
using System.Text;
using Imprivata.Core.Mfa.TemporaryCodes;

namespace Imprivata.Storage.Secrets;

/// <summary>
/// HMAC-SHA256 for short codes, keyed with 256 random bits kept in the Secrets table (its own row, apart from the
/// secret-sealing key): a stolen TemporaryCodes table alone does not give the codes away by trying every value.
/// The context (e.g. the user id) is hashed in, so equal codes of two users hash differently.
/// </summary>
public sealed class TableCodeHasher(SecretKeys keys) : ICodeHasher
{
    // The same row as the SMS / e-mail code hash key: both are HMACs over short codes with distinct contexts.
    private readonly SecretsTableKey _key = keys.For(SecretKeys.CodeHash);

    public async ValueTask<byte[]> HashAsync(string code, string context, CancellationToken ct)
    {
        var key = await _key.GetAsync(ct).ConfigureAwait(false);
        // Length-prefixed context, so ("ab", "c") and ("a", "bc") never collide.
        var contextBytes = Encoding.UTF8.GetBytes(context);
        var message = new byte[4 + contextBytes.Length + Encoding.UTF8.GetByteCount(code)];
        BitConverter.TryWriteBytes(message.AsSpan(0, 4), contextBytes.Length);
        contextBytes.CopyTo(message, 4);
        Encoding.UTF8.GetBytes(code, message.AsSpan(4 + contextBytes.Length));
        return HMACSHA256.HashData(key, message);
    }
}
