using System.Security.Cryptography;

namespace Imprivata.RadiusEdge.Protocol;

/// <summary>Response Authenticator (RFC 2865 §3): MD5(Code+ID+Length+RequestAuth+Attributes+Secret).</summary>
public static class ResponseAuthenticator
{
    public static byte[] Compute(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> requestAuthenticator, ReadOnlySpan<byte> secret)
    {
        var buffer = new byte[reply.Length + secret.Length];
        reply.CopyTo(buffer);
        requestAuthenticator.CopyTo(buffer.AsSpan(4, RadiusPacket.AuthenticatorLength));
        secret.CopyTo(buffer.AsSpan(reply.Length));
        return MD5.HashData(buffer);
    }

    /// <summary>Checks a reply against the request it answers, in constant time (used by tests and clients).</summary>
    public static bool Verify(ReadOnlySpan<byte> reply, ReadOnlySpan<byte> requestAuthenticator, ReadOnlySpan<byte> secret) =>
        reply.Length >= RadiusPacket.HeaderLength &&
        CryptographicOperations.FixedTimeEquals(Compute(reply, requestAuthenticator, secret), reply.Slice(4, RadiusPacket.AuthenticatorLength));
}
