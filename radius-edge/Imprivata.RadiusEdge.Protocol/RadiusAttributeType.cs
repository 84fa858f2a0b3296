namespace Imprivata.RadiusEdge.Protocol;

/// <summary>
/// The few attribute numbers the code itself acts on. Everything else is named by the dictionary data files;
/// these constants exist so that no bare number appears in logic.
/// </summary>
public static class RadiusAttributeType
{
    public const byte UserName = 1;             // RFC 2865 §5.1
    public const byte UserPassword = 2;         // RFC 2865 §5.2
    public const byte ChapPassword = 3;         // RFC 2865 §5.3
    public const byte NasIpAddress = 4;         // RFC 2865 §5.4
    public const byte NasPort = 5;              // RFC 2865 §5.5
    public const byte ReplyMessage = 18;        // RFC 2865 §5.18
    public const byte State = 24;               // RFC 2865 §5.24
    public const byte Class = 25;               // RFC 2865 §5.25
    public const byte VendorSpecific = 26;      // RFC 2865 §5.26
    public const byte CalledStationId = 30;     // RFC 2865 §5.30
    public const byte CallingStationId = 31;    // RFC 2865 §5.31
    public const byte NasIdentifier = 32;       // RFC 2865 §5.32
    public const byte ProxyState = 33;          // RFC 2865 §5.33
    public const byte ChapChallenge = 60;       // RFC 2865 §5.40
    public const byte NasPortType = 61;         // RFC 2865 §5.41
    public const byte EapMessage = 79;          // RFC 3579 §3.1
    public const byte MessageAuthenticator = 80; // RFC 3579 §3.2
    public const byte NasIpv6Address = 95;      // RFC 3162 §2.1

    public const uint MicrosoftVendorId = 311;  // RFC 2548
    public const byte MsChapResponse = 1;       // RFC 2548 §2.1.3
    public const byte MsChap2Response = 25;     // RFC 2548 §2.3.2
}
