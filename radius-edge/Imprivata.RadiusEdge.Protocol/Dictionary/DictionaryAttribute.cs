namespace Imprivata.RadiusEdge.Protocol.Dictionary;

/// <summary>Data types of the FreeRADIUS dictionary format that this edge encodes and decodes.</summary>
public enum AttributeDataType { String, Octets, Integer, IpAddr, Ipv6Addr, Date, Vsa }

/// <summary>One ATTRIBUTE line: name, number (within its vendor, 0 = standard), type and whether it is hidden (encrypt=1).</summary>
public sealed record DictionaryAttribute(string Name, uint VendorId, byte Number, AttributeDataType Type, bool Encrypted)
{
    public bool IsVendorSpecific => VendorId != 0;
}
