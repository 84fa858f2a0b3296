namespace Imprivata.RadiusEdge.Protocol;

/// <summary>One attribute as it appeared on the wire: type and raw value (RFC 2865 §5). The value is a slice of the packet.</summary>
public readonly record struct RadiusAttribute(byte Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>Octets on the wire: type, length and value.</summary>
    public int WireLength => 2 + Value.Length;

    public static RadiusAttribute FromString(byte type, string value) =>
        new(type, System.Text.Encoding.UTF8.GetBytes(value));
}
