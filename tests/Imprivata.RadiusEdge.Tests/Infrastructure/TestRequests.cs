using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>Builds client-side Access-Requests with the codec (for tests that need exact bytes on the wire).</summary>
public static class TestRequests
{
    public static byte[] AccessRequest(string secret, byte identifier, string user, string password, bool messageAuthenticator = true,
        params RadiusAttribute[] extra)
    {
        var s = Encoding.UTF8.GetBytes(secret);
        var authenticator = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var attributes = new List<RadiusAttribute>();
        if (messageAuthenticator)
            attributes.Add(new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[16]));
        attributes.Add(RadiusAttribute.FromString(RadiusAttributeType.UserName, user));
        attributes.Add(new RadiusAttribute(RadiusAttributeType.UserPassword, UserPassword.Hide(Encoding.UTF8.GetBytes(password), s, authenticator)));
        attributes.AddRange(extra);
        var packet = PacketWriter.Write(RadiusCode.AccessRequest, identifier, authenticator, attributes);
        if (messageAuthenticator)
            MessageAuthenticator.Compute(packet, 22, authenticator, s).CopyTo(packet, 22);
        return packet;
    }
}
