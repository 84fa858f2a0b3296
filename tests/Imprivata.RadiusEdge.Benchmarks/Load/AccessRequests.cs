using System.Security.Cryptography;
using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Benchmarks.Load;

/// <summary>Builds what a VPN gateway sends: a PAP Access-Request with Message-Authenticator first (RFC 3579 §3.2).</summary>
public static class AccessRequests
{
    public sealed record Built(byte[] Datagram, byte[] Authenticator);

    public static Built Pap(byte[] secret, byte identifier, string user, string password)
    {
        var authenticator = RandomNumberGenerator.GetBytes(RadiusPacket.AuthenticatorLength);
        var attributes = new[]
        {
            new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[MessageAuthenticator.ValueLength]),
            RadiusAttribute.FromString(RadiusAttributeType.UserName, user),
            new RadiusAttribute(RadiusAttributeType.UserPassword, UserPassword.Hide(Encoding.UTF8.GetBytes(password), secret, authenticator)),
            new RadiusAttribute(RadiusAttributeType.NasIpAddress, new byte[] { 127, 0, 0, 1 }),
            RadiusAttribute.FromString(RadiusAttributeType.NasIdentifier, "bench-nas"),
        };
        var packet = PacketWriter.Write(RadiusCode.AccessRequest, identifier, authenticator, attributes);
        MessageAuthenticator.Compute(packet, RadiusPacket.HeaderLength + 2, authenticator, secret).CopyTo(packet, RadiusPacket.HeaderLength + 2);
        return new Built(packet, authenticator);
    }
}
