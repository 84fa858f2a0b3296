using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace Imprivata.RadiusEdge.Protocol.Dictionary;

/// <summary>
/// Attribute definitions as data (FreeRADIUS <c>share/dictionary</c> format: ATTRIBUTE, VALUE, VENDOR, BEGIN-/END-VENDOR),
/// loaded from the embedded dictionary.* files. Names attributes for logs and encodes named attributes for replies.
/// </summary>
public sealed class RadiusDictionary
{
    private static readonly Lazy<RadiusDictionary> DefaultLazy = new(LoadEmbedded);
    private static readonly string[] EmbeddedFiles =
        ["rfc2865", "rfc2866", "rfc2869", "rfc3162", "rfc3579", "microsoft", "cisco", "fortinet", "paloalto"];

    private readonly Dictionary<string, DictionaryAttribute> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(uint Vendor, byte Number), DictionaryAttribute> _byNumber = new();
    private readonly Dictionary<(string Attribute, string Value), uint> _values = new(TupleIgnoreCase.Instance);
    private readonly Dictionary<(string Attribute, uint Value), string> _valueNames = new(TupleIgnoreCase.Instance);
    private readonly Dictionary<string, uint> _vendors = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The RFC 2865/2866/2869/3162/3579 and vendor (Microsoft, Cisco, Fortinet, Palo Alto) definitions.</summary>
    public static RadiusDictionary Default => DefaultLazy.Value;

    public DictionaryAttribute? Find(string name) => _byName.GetValueOrDefault(name);

    public DictionaryAttribute? Find(uint vendorId, byte number) => _byNumber.GetValueOrDefault((vendorId, number));

    public uint? FindVendor(string name) => _vendors.TryGetValue(name, out var id) ? id : null;

    /// <summary>Reads dictionary text; a malformed line is a configuration bug and throws.</summary>
    public static RadiusDictionary Parse(IEnumerable<(string Source, string Text)> files)
    {
        var dictionary = new RadiusDictionary();
        foreach (var (source, text) in files)
            dictionary.Load(source, text);
        return dictionary;
    }

    private static RadiusDictionary LoadEmbedded()
    {
        var assembly = typeof(RadiusDictionary).Assembly;
        return Parse(EmbeddedFiles.Select(name => (name, ReadResource(assembly, "Imprivata.RadiusEdge.Protocol.dictionary." + name))));
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException("Missing dictionary " + name);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private void Load(string source, string text)
    {
        uint vendor = 0;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var hash = rawLine.IndexOf('#');
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            if (line.Length == 0)
                continue;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string Where() => $"{source}:{lineNumber}";
            switch (f[0])
            {
                case "VENDOR" when f.Length >= 3:
                    _vendors[f[1]] = uint.Parse(f[2], CultureInfo.InvariantCulture);
                    break;
                case "BEGIN-VENDOR" when f.Length >= 2:
                    vendor = FindVendor(f[1]) ?? throw new FormatException($"{Where()}: unknown vendor {f[1]}");
                    break;
                case "END-VENDOR":
                    vendor = 0;
                    break;
                case "ATTRIBUTE" when f.Length >= 4:
                    var attribute = new DictionaryAttribute(f[1], vendor, byte.Parse(f[2], CultureInfo.InvariantCulture),
                        ParseType(f[3], Where), f.Length > 4 && f[4].Contains("encrypt=1", StringComparison.Ordinal));
                    _byName[attribute.Name] = attribute;
                    _byNumber[(vendor, attribute.Number)] = attribute;
                    break;
                case "VALUE" when f.Length >= 4:
                    var number = uint.Parse(f[3], CultureInfo.InvariantCulture);
                    _values[(f[1], f[2])] = number;
                    _valueNames.TryAdd((f[1], number), f[2]);
                    break;
                default:
                    throw new FormatException($"{Where()}: cannot read '{line}'");
            }
        }
    }

    private static AttributeDataType ParseType(string type, Func<string> where) => type switch
    {
        "string" => AttributeDataType.String,
        "octets" => AttributeDataType.Octets,
        "integer" => AttributeDataType.Integer,
        "ipaddr" => AttributeDataType.IpAddr,
        "ipv6addr" => AttributeDataType.Ipv6Addr,
        "date" => AttributeDataType.Date,
        "vsa" => AttributeDataType.Vsa,
        _ => throw new FormatException($"{where()}: unsupported type {type}"),
    };

    /// <summary>
    /// Encodes "Name = text" into a wire attribute (vendor attributes wrapped in Vendor-Specific, RFC 2865 §5.26).
    /// Integers accept a VALUE name or a number; octets accept 0x-prefixed hex. Returns an error text instead of throwing.
    /// </summary>
    public bool TryEncode(string name, string text, out RadiusAttribute attribute, out string? error)
    {
        attribute = default;
        var definition = Find(name);
        if (definition is null) { error = $"unknown attribute {name}"; return false; }
        if (definition.Encrypted || definition.Type == AttributeDataType.Vsa) { error = $"{name} cannot be set directly"; return false; }
        byte[]? value = definition.Type switch
        {
            AttributeDataType.String => Encoding.UTF8.GetBytes(text),
            AttributeDataType.Octets => TryHex(text),
            AttributeDataType.Integer or AttributeDataType.Date => TryInteger(definition.Name, text),
            AttributeDataType.IpAddr => IPAddress.TryParse(text, out var ip4) && ip4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? ip4.GetAddressBytes() : null,
            AttributeDataType.Ipv6Addr => IPAddress.TryParse(text, out var ip6) && ip6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? ip6.GetAddressBytes() : null,
            _ => null,
        };
        var limit = definition.IsVendorSpecific ? 247 : 253;
        if (value is null || value.Length > limit) { error = $"{name}: value is not a valid {definition.Type}"; return false; }

        attribute = definition.IsVendorSpecific ? WrapVendor(definition, value) : new RadiusAttribute(definition.Number, value);
        error = null;
        return true;
    }

    /// <summary>"Name = value" for logs; strings are returned raw (the log escapes them), hidden attributes never.</summary>
    public string Format(RadiusAttribute attribute)
    {
        var (name, value) = Describe(attribute);
        return name + " = " + value;
    }

    /// <summary>The attribute's dictionary name and its value as text (VALUE names for integers, 0x-hex for octets).</summary>
    public (string Name, string Value) Describe(RadiusAttribute attribute)
    {
        if (attribute.Type == RadiusAttributeType.VendorSpecific && attribute.Value.Length >= 6)
        {
            var v = attribute.Value.Span;
            var vendorId = BinaryPrimitives.ReadUInt32BigEndian(v);
            var inner = Find(vendorId, v[4]);
            if (inner is not null && v[5] >= 2 && v[5] <= v.Length - 4)
                return (inner.Name, FormatValue(inner, attribute.Value.Slice(6, v[5] - 2).Span));
            return ($"Vendor-{vendorId}-Attr-{v[4]}", "0x" + Convert.ToHexString(v[6..]));
        }
        var definition = Find(0, attribute.Type);
        return definition is null
            ? ($"Attr-{attribute.Type}", "0x" + Convert.ToHexString(attribute.Value.Span))
            : (definition.Name, FormatValue(definition, attribute.Value.Span));
    }

    private string FormatValue(DictionaryAttribute d, ReadOnlySpan<byte> v)
    {
        if (d.Encrypted)
            return "<hidden>";
        switch (d.Type)
        {
            case AttributeDataType.String:
                return Encoding.UTF8.GetString(v);
            case AttributeDataType.Integer when v.Length == 4:
                var n = BinaryPrimitives.ReadUInt32BigEndian(v);
                return _valueNames.TryGetValue((d.Name, n), out var valueName) ? valueName : n.ToString(CultureInfo.InvariantCulture);
            case AttributeDataType.Date when v.Length == 4:
                return BinaryPrimitives.ReadUInt32BigEndian(v).ToString(CultureInfo.InvariantCulture);
            case AttributeDataType.IpAddr when v.Length == 4:
            case AttributeDataType.Ipv6Addr when v.Length == 16:
                return new IPAddress(v).ToString();
            default:
                return "0x" + Convert.ToHexString(v);
        }
    }

    private byte[]? TryInteger(string attribute, string text)
    {
        if (!_values.TryGetValue((attribute, text), out var number) &&
            !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number))
            return null;
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, number);
        return bytes;
    }

    private static byte[]? TryHex(string text)
    {
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return null;
        try { return Convert.FromHexString(text.AsSpan(2)); }
        catch (FormatException) { return null; }
    }

    private static RadiusAttribute WrapVendor(DictionaryAttribute d, byte[] value)
    {
        // RFC 2865 §5.26: Vendor-Id (4 octets), then vendor type, vendor length, value.
        var vsa = new byte[6 + value.Length];
        BinaryPrimitives.WriteUInt32BigEndian(vsa, d.VendorId);
        vsa[4] = d.Number;
        vsa[5] = (byte)(2 + value.Length);
        value.CopyTo(vsa, 6);
        return new RadiusAttribute(RadiusAttributeType.VendorSpecific, vsa);
    }

    private sealed class TupleIgnoreCase : IEqualityComparer<(string, string)>, IEqualityComparer<(string, uint)>
    {
        public static readonly TupleIgnoreCase Instance = new();
        public bool Equals((string, string) x, (string, string) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Item1, y.Item1) && StringComparer.OrdinalIgnoreCase.Equals(x.Item2, y.Item2);
        public int GetHashCode((string, string) o) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(o.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(o.Item2));
        public bool Equals((string, uint) x, (string, uint) y) => StringComparer.OrdinalIgnoreCase.Equals(x.Item1, y.Item1) && x.Item2 == y.Item2;
        public int GetHashCode((string, uint) o) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(o.Item1), o.Item2);
    }
}
