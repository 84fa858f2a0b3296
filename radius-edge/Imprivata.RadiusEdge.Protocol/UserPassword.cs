using System.Security.Cryptography;

namespace Imprivata.RadiusEdge.Protocol;

/// <summary>PAP User-Password hiding (RFC 2865 §5.2): c(i) = p(i) xor MD5(S + c(i-1)), c(0) = Request Authenticator.</summary>
public static class UserPassword
{
    public const int BlockLength = 16;
    public const int MaxLength = 128;

    public static byte[] Hide(ReadOnlySpan<byte> password, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator)
    {
        if (password.Length > MaxLength)
            throw new ArgumentException("A User-Password is at most 128 octets.", nameof(password));
        var padded = Math.Max(BlockLength, (password.Length + BlockLength - 1) / BlockLength * BlockLength);
        var result = new byte[padded];
        password.CopyTo(result);
        Chain(result, secret, requestAuthenticator, hide: true);
        return result;
    }

    /// <summary>Reveals the password; the NUL padding at the end is removed, a NUL before the end is a failure.</summary>
    public static RadiusResult<byte[]> Unhide(ReadOnlySpan<byte> hidden, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator)
    {
        // RFC 2865 §5.2: 16 to 128 octets, a multiple of 16.
        if (!IsValidHiddenLength(hidden.Length))
            return RadiusFailure.UserPasswordBadLength;
        var plain = hidden.ToArray();
        Chain(plain, secret, requestAuthenticator, hide: false);

        var end = plain.Length;
        while (end > 0 && plain[end - 1] == 0)
            end--;
        // A NUL inside the password must never authenticate the prefix before it ("pass\0word" is not "pass").
        var result = plain[..end];
        CryptographicOperations.ZeroMemory(plain);
        if (Array.IndexOf(result, (byte)0) >= 0)
        {
            CryptographicOperations.ZeroMemory(result);
            return RadiusFailure.PasswordContainsNul;
        }
        return RadiusResult<byte[]>.Success(result);
    }

    public static bool IsValidHiddenLength(int length) => length is >= BlockLength and <= MaxLength && length % BlockLength == 0;

    private static void Chain(byte[] data, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> requestAuthenticator, bool hide)
    {
        var input = new byte[secret.Length + BlockLength];
        secret.CopyTo(input);
        requestAuthenticator.CopyTo(input.AsSpan(secret.Length));
        Span<byte> b = stackalloc byte[BlockLength];
        for (var offset = 0; offset < data.Length; offset += BlockLength)
        {
            MD5.HashData(input, b);
            var block = data.AsSpan(offset, BlockLength);
            // The next key block chains on the ciphertext: after xor when hiding, before xor when revealing.
            if (!hide)
                block.CopyTo(input.AsSpan(secret.Length));
            for (var i = 0; i < BlockLength; i++)
                block[i] ^= b[i];
            if (hide)
                block.CopyTo(input.AsSpan(secret.Length));
        }
        CryptographicOperations.ZeroMemory(input);
    }
}
