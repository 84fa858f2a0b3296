namespace Imprivata.RadiusEdge.Protocol;

/// <summary>
/// A decoded RADIUS packet (RFC 2865 §3). <see cref="Raw"/> holds exactly the octets covered by the Length field
/// (bytes beyond it are not kept); attribute values are slices of it.
/// </summary>
public sealed class RadiusPacket
{
    public const int HeaderLength = 20;
    public const int MaxLength = 4096;          // RFC 2865 §3 "The maximum length is 4096."
    public const int AuthenticatorLength = 16;

    public RadiusPacket(RadiusCode code, byte identifier, ReadOnlyMemory<byte> authenticator,
        IReadOnlyList<RadiusAttribute> attributes, ReadOnlyMemory<byte> raw)
    {
        if (authenticator.Length != AuthenticatorLength)
            throw new ArgumentException("An authenticator is 16 octets.", nameof(authenticator));
        Code = code;
        Identifier = identifier;
        Authenticator = authenticator;
        Attributes = attributes;
        Raw = raw;
    }

    public RadiusCode Code { get; }
    public byte Identifier { get; }
    public ReadOnlyMemory<byte> Authenticator { get; }
    public IReadOnlyList<RadiusAttribute> Attributes { get; }
    public ReadOnlyMemory<byte> Raw { get; }

    public int Count(byte type)
    {
        // Indexed, not foreach: enumerating an IReadOnlyList boxes an enumerator, and this runs several times per packet.
        var n = 0;
        for (var i = 0; i < Attributes.Count; i++)
            if (Attributes[i].Type == type)
                n++;
        return n;
    }

    public RadiusAttribute? Find(byte type)
    {
        for (var i = 0; i < Attributes.Count; i++)
            if (Attributes[i].Type == type)
                return Attributes[i];
        return null;
    }

    public IEnumerable<RadiusAttribute> All(byte type) => Attributes.Where(a => a.Type == type);

    /// <summary>The value as UTF-8 text, or null when absent.</summary>
    public string? FindString(byte type) =>
        Find(type) is { } a ? System.Text.Encoding.UTF8.GetString(a.Value.Span) : null;

    /// <summary>Whether a Vendor-Specific attribute of that vendor and vendor type is present (RFC 2865 §5.26).</summary>
    public bool HasVendorAttribute(uint vendorId, byte vendorType)
    {
        for (var i = 0; i < Attributes.Count; i++)
        {
            if (Attributes[i].Type != RadiusAttributeType.VendorSpecific)
                continue;
            var v = Attributes[i].Value.Span;
            if (v.Length >= 6 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(v) == vendorId && v[4] == vendorType)
                return true;
        }
        return false;
    }
}
