using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Tests.Protocol;

/// <summary>
/// A short fuzz run: mutated valid packets never throw and never allocate beyond a fixed bound per datagram.
/// (The million-input run belongs to the benchmark job.)
/// </summary>
public class FuzzTests
{
    private const int Inputs = 20_000;
    private const long MaxBytesPerDatagram = 64 * 1024;

    [Fact]
    public void Decode_MutatedValidPackets_NeverThrowsAndStaysBounded()
    {
        var secret = "fuzzing-shared-secret-0123"u8.ToArray();
        var client = new ClientPolicy(secret, RequireMessageAuthenticator: false, LimitProxyState: false);
        var seeds = Seeds(secret);
        var random = new Random(2865);
        var dictionary = Imprivata.RadiusEdge.Protocol.Dictionary.RadiusDictionary.Default;
        long worst = 0;

        for (var i = 0; i < Inputs; i++)
        {
            var datagram = Mutate(seeds[random.Next(seeds.Length)], random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = AccessRequestDecoder.Decode(datagram, client);
            var read = PacketReader.Read(datagram);
            if (read.IsSuccess)
                foreach (var attribute in read.Value.Attributes)
                    _ = dictionary.Format(attribute);
            worst = Math.Max(worst, GC.GetAllocatedBytesForCurrentThread() - before);
            _ = result.IsSuccess;
        }

        Assert.True(worst < MaxBytesPerDatagram, $"worst datagram allocated {worst} bytes");
    }

    private static byte[][] Seeds(byte[] secret)
    {
        var auth = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var pap = new[]
        {
            RadiusAttribute.FromString(RadiusAttributeType.UserName, "nemo"),
            new RadiusAttribute(RadiusAttributeType.UserPassword, UserPassword.Hide("arctangent"u8, secret, auth)),
            new RadiusAttribute(RadiusAttributeType.NasIpAddress, new byte[] { 10, 0, 0, 1 }),
            new RadiusAttribute(RadiusAttributeType.State, new byte[16]),
            new RadiusAttribute(RadiusAttributeType.VendorSpecific, new byte[] { 0, 0, 0, 9, 1, 7, (byte)'a', (byte)'=', (byte)'b', (byte)'c', (byte)'d' }),
            new RadiusAttribute(RadiusAttributeType.ProxyState, Encoding.ASCII.GetBytes("p")),
        };
        return
        [
            PacketWriter.Write(RadiusCode.AccessRequest, 1, auth, pap),
            ReplyEncoder.Encode(RadiusCode.AccessAccept, 1, auth, pap[2..], secret),
            PacketWriter.Write(RadiusCode.StatusServer, 2, auth, [new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[16])]),
            Hex.Parse("01010047 2aee86f08d0d55969ca5978e0d3367a2 0108666c6f707379 031316e97557c316185895f293ff6344077275 0406c0a80110 050600000014 060600000002 070600000001"),
        ];
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var rounds = random.Next(1, 5);
        for (var r = 0; r < rounds; r++)
        {
            switch (random.Next(6))
            {
                case 0 when data.Count > 0: // flip a byte
                    data[random.Next(data.Count)] ^= (byte)random.Next(1, 256);
                    break;
                case 1 when data.Count > 0: // truncate
                    var keep = random.Next(data.Count);
                    data.RemoveRange(keep, data.Count - keep);
                    break;
                case 2: // append noise, sometimes beyond 4096 octets
                    data.AddRange(Enumerable.Range(0, random.Next(1, random.Next(2) == 0 ? 64 : 5000)).Select(_ => (byte)random.Next(256)));
                    break;
                case 3 when data.Count > 4: // rewrite the Length field
                    var length = random.Next(3) switch { 0 => random.Next(0, 20), 1 => random.Next(4090, 70000), _ => random.Next(data.Count + 2) };
                    data[2] = (byte)(length >> 8);
                    data[3] = (byte)length;
                    break;
                case 4 when data.Count > 21: // corrupt an attribute length
                    data[random.Next(20, data.Count)] = (byte)random.Next(3);
                    break;
                default: // insert a random attribute
                    var value = Enumerable.Range(0, random.Next(0, 40)).Select(_ => (byte)random.Next(256)).ToArray();
                    data.InsertRange(Math.Min(20, data.Count), new[] { (byte)random.Next(256), (byte)(value.Length + 2) }.Concat(value));
                    break;
            }
        }
        return data.ToArray();
    }
}
