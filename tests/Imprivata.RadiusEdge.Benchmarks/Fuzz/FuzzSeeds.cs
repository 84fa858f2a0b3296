using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Benchmarks.Fuzz;

/// <summary>Valid datagrams the fuzzer starts from: the shapes a VPN gateway sends, signed with the fuzzing secret.</summary>
public static class FuzzSeeds
{
    public static byte[][] Build(byte[] secret)
    {
        var auth = Enumerable.Range(1, 16).Select(i => (byte)(i * 7)).ToArray();
        var common = new[]
        {
            RadiusAttribute.FromString(RadiusAttributeType.UserName, "nemo"),
            new RadiusAttribute(RadiusAttributeType.UserPassword, UserPassword.Hide("arctangent"u8, secret, auth)),
            new RadiusAttribute(RadiusAttributeType.NasIpAddress, new byte[] { 10, 0, 0, 1 }),
            new RadiusAttribute(RadiusAttributeType.NasPort, new byte[] { 0, 0, 0, 7 }),
            RadiusAttribute.FromString(RadiusAttributeType.CallingStationId, "203.0.113.9"),
            new RadiusAttribute(RadiusAttributeType.VendorSpecific, new byte[] { 0, 0, 0, 9, 1, 7, (byte)'a', (byte)'=', (byte)'b', (byte)'c', (byte)'d' }),
        };
        var longPassword = new RadiusAttribute(RadiusAttributeType.UserPassword,
            UserPassword.Hide(Encoding.UTF8.GetBytes(new string('p', 120)), secret, auth));
        return
        [
            Signed(RadiusCode.AccessRequest, 1, auth, common, secret),
            Signed(RadiusCode.AccessRequest, 2, auth,
                [.. common, new RadiusAttribute(RadiusAttributeType.State, new byte[20]), RadiusAttribute.FromString(RadiusAttributeType.ProxyState, "px")], secret),
            Signed(RadiusCode.AccessRequest, 3, auth, [common[0], longPassword], secret),
            Signed(RadiusCode.StatusServer, 4, auth, [], secret),
            Signed(RadiusCode.AccessRequest, 5, auth, [common[0], new RadiusAttribute(RadiusAttributeType.ChapPassword, new byte[17])], secret),
            // Without Message-Authenticator (a client configured not to require it).
            PacketWriter.Write(RadiusCode.AccessRequest, 6, auth, common),
        ];
    }

    /// <summary>Message-Authenticator first (offset 22), computed over the finished packet (RFC 3579 §3.2).</summary>
    private static byte[] Signed(RadiusCode code, byte id, byte[] auth, IEnumerable<RadiusAttribute> attributes, byte[] secret)
    {
        var list = new List<RadiusAttribute> { new(RadiusAttributeType.MessageAuthenticator, new byte[16]) };
        list.AddRange(attributes);
        var packet = PacketWriter.Write(code, id, auth, list);
        MessageAuthenticator.Compute(packet, 22, auth, secret).CopyTo(packet, 22);
        return packet;
    }
}
