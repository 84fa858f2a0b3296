using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Benchmarks.Fuzz;

/// <summary>
/// Mutates a valid datagram with 1-4 of the mutations: bit flips, truncation, Length field edits, attribute
/// length edits, duplicated attributes, appended garbage. Half of the results are then re-signed (a fresh
/// Message-Authenticator) so that mutations also reach the rules behind RFC 3579 §3.2 instead of all stopping there.
/// </summary>
public sealed class PacketMutator(Random random, byte[] secret)
{
    public static readonly string[] Kinds =
        ["bit flip", "truncation", "length field", "attribute length", "duplicated attribute", "appended garbage"];

    public long[] Applied { get; } = new long[Kinds.Length];
    public long Resigned { get; private set; }

    public byte[] Mutate(byte[] seed)
    {
        var data = new List<byte>(seed);
        var rounds = random.Next(1, 5);
        for (var r = 0; r < rounds; r++)
        {
            var kind = random.Next(Kinds.Length);
            Applied[kind]++;
            switch (kind)
            {
                case 0:
                    FlipBits(data);
                    break;
                case 1:
                    Truncate(data);
                    break;
                case 2:
                    EditLengthField(data);
                    break;
                case 3:
                    EditAttributeLength(data);
                    break;
                case 4:
                    DuplicateAttribute(data);
                    break;
                default:
                    AppendGarbage(data);
                    break;
            }
        }
        var result = data.ToArray();
        if (random.Next(2) == 0 && TryResign(result))
            Resigned++;
        return result;
    }

    private void FlipBits(List<byte> data)
    {
        if (data.Count == 0)
            return;
        for (var i = random.Next(1, 4); i > 0; i--)
            data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
    }

    private void EditLengthField(List<byte> data)
    {
        if (data.Count < 4)
            return;
        var length = random.Next(4) switch
        {
            0 => random.Next(0, 20),
            1 => random.Next(4090, 65536),
            2 => data.Count + random.Next(-3, 4),
            _ => random.Next(65536),
        };
        data[2] = (byte)(length >> 8);
        data[3] = (byte)length;
    }

    private void EditAttributeLength(List<byte> data)
    {
        var offsets = AttributeOffsets(data);
        if (offsets.Count == 0)
            return;
        var at = offsets[random.Next(offsets.Count)] + 1;
        data[at] = random.Next(3) switch { 0 => (byte)random.Next(3), 1 => (byte)(data[at] + random.Next(-2, 3)), _ => (byte)random.Next(256) };
    }

    private void Truncate(List<byte> data)
    {
        var keep = random.Next(data.Count + 1);
        data.RemoveRange(keep, data.Count - keep);
    }

    private void DuplicateAttribute(List<byte> data)
    {
        var offsets = AttributeOffsets(data);
        if (offsets.Count == 0)
            return;
        var at = offsets[random.Next(offsets.Count)];
        var copy = data.GetRange(at, data[at + 1]);
        data.InsertRange(random.Next(2) == 0 ? at : data.Count, copy);
        // Usually the Length field follows, so the duplicate is inside the packet (otherwise it is padding).
        if (random.Next(4) != 0)
        {
            var length = (ushort)Math.Min(data.Count, ushort.MaxValue);
            data[2] = (byte)(length >> 8);
            data[3] = (byte)length;
        }
    }

    private void AppendGarbage(List<byte> data)
    {
        // Mostly short tails, sometimes past the 4096-octet maximum (RFC 2865 §3).
        var count = random.Next(4) == 0 ? random.Next(1, 5000) : random.Next(1, 64);
        for (var i = 0; i < count; i++)
            data.Add((byte)random.Next(256));
    }

    /// <summary>Where attributes start, walking the type-length chain while it stays well-formed.</summary>
    private static List<int> AttributeOffsets(List<byte> data)
    {
        var offsets = new List<int>();
        var offset = RadiusPacket.HeaderLength;
        while (offset + 2 <= data.Count && data[offset + 1] >= 2 && offset + data[offset + 1] <= data.Count)
        {
            offsets.Add(offset);
            offset += data[offset + 1];
        }
        return offsets;
    }

    /// <summary>Recomputes a single, well-sized Message-Authenticator so the packet passes RFC 3579 §3.2 again.</summary>
    private bool TryResign(byte[] datagram)
    {
        var read = PacketReader.Read(datagram);
        if (!read.IsSuccess || read.Value.Count(RadiusAttributeType.MessageAuthenticator) != 1)
            return false;
        var offset = RadiusPacket.HeaderLength;
        foreach (var a in read.Value.Attributes)
        {
            if (a.Type == RadiusAttributeType.MessageAuthenticator)
            {
                if (a.Value.Length != MessageAuthenticator.ValueLength)
                    return false;
                var value = MessageAuthenticator.Compute(datagram.AsSpan(0, read.Value.Raw.Length), offset + 2, read.Value.Authenticator.Span, secret);
                value.CopyTo(datagram, offset + 2);
                return true;
            }
            offset += a.WireLength;
        }
        return false;
    }
}
