using System.Buffers;
using System.Security.Cryptography;

namespace Imprivata.RadiusEdge.Protocol;

/// <summary>Message-Authenticator (RFC 3579 §3.2): HMAC-MD5 keyed by the shared secret over the packet with its value zeroed.</summary>
public static class MessageAuthenticator
{
    public const int ValueLength = 16;
    private const int StackCopyLimit = 1024;

    /// <summary>
    /// HMAC-MD5 over <paramref name="packet"/> with the Message-Authenticator value at <paramref name="valueOffset"/> treated as
    /// zeros and the authenticator field replaced by <paramref name="authenticator"/> (the Request Authenticator, also for replies).
    /// </summary>
    public static byte[] Compute(ReadOnlySpan<byte> packet, int valueOffset, ReadOnlySpan<byte> authenticator, ReadOnlySpan<byte> secret)
    {
        var value = new byte[ValueLength];
        Compute(packet, valueOffset, authenticator, secret, value);
        return value;
    }

    /// <summary>As above, into <paramref name="destination"/> (16 octets): no allocation for packets up to 1 KiB.</summary>
    public static void Compute(ReadOnlySpan<byte> packet, int valueOffset, ReadOnlySpan<byte> authenticator, ReadOnlySpan<byte> secret,
        Span<byte> destination)
    {
        // Every request is verified, retransmissions included: the working copy lives on the stack or in the pool.
        byte[]? rented = null;
        var copy = packet.Length <= StackCopyLimit
            ? stackalloc byte[StackCopyLimit]
            : rented = ArrayPool<byte>.Shared.Rent(packet.Length);
        copy = copy[..packet.Length];
        packet.CopyTo(copy);
        authenticator.CopyTo(copy.Slice(4, RadiusPacket.AuthenticatorLength));
        copy.Slice(valueOffset, ValueLength).Clear();
        HMACMD5.HashData(secret, copy, destination);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>
    /// Verifies the Message-Authenticator of a request, wherever it sits (position does not matter). Returns
    /// <see cref="RadiusFailure.None"/> when absent: whether absence is acceptable is the caller's policy.
    /// </summary>
    public static RadiusFailure VerifyRequest(RadiusPacket request, ReadOnlySpan<byte> secret)
    {
        var offset = RadiusPacket.HeaderLength;
        var found = -1;
        var attributes = request.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            if (a.Type == RadiusAttributeType.MessageAuthenticator)
            {
                // RFC 3579 §3.2: at most one; a packet with two is invalid and silently discarded.
                if (found >= 0)
                    return RadiusFailure.MessageAuthenticatorDuplicate;
                // RFC 3579 §3.2: the attribute is exactly 18 octets.
                if (a.Value.Length != ValueLength)
                    return RadiusFailure.MessageAuthenticatorBadLength;
                found = offset + 2;
            }
            offset += a.WireLength;
        }
        if (found < 0)
            return RadiusFailure.None;

        var raw = request.Raw.Span;
        Span<byte> expected = stackalloc byte[ValueLength];
        Compute(raw, found, request.Authenticator.Span, secret, expected);
        // RFC 3579 §3.2: an invalid Message-Authenticator means silent discard; compared in constant time.
        return CryptographicOperations.FixedTimeEquals(expected, raw.Slice(found, ValueLength))
            ? RadiusFailure.None
            : RadiusFailure.MessageAuthenticatorInvalid;
    }
}
