namespace Imprivata.RadiusEdge.Protocol;

/// <summary>RADIUS packet codes this codec knows (RFC 2865 §3, RFC 2866 §3, RFC 5997 §2, RFC 5176 §2).</summary>
public enum RadiusCode : byte
{
    AccessRequest = 1,
    AccessAccept = 2,
    AccessReject = 3,
    AccountingRequest = 4,
    AccountingResponse = 5,
    AccessChallenge = 11,
    StatusServer = 12,
    StatusClient = 13,
    DisconnectRequest = 40,
    DisconnectAck = 41,
    DisconnectNak = 42,
    CoaRequest = 43,
    CoaAck = 44,
    CoaNak = 45,
}

public static class RadiusCodes
{
    public static bool IsKnown(byte code) => Enum.IsDefined((RadiusCode)code);

    /// <summary>The FreeRADIUS spelling, used in the exchange log.</summary>
    public static string Name(RadiusCode code) => code switch
    {
        RadiusCode.AccessRequest => "Access-Request",
        RadiusCode.AccessAccept => "Access-Accept",
        RadiusCode.AccessReject => "Access-Reject",
        RadiusCode.AccountingRequest => "Accounting-Request",
        RadiusCode.AccountingResponse => "Accounting-Response",
        RadiusCode.AccessChallenge => "Access-Challenge",
        RadiusCode.StatusServer => "Status-Server",
        RadiusCode.StatusClient => "Status-Client",
        RadiusCode.DisconnectRequest => "Disconnect-Request",
        RadiusCode.DisconnectAck => "Disconnect-ACK",
        RadiusCode.DisconnectNak => "Disconnect-NAK",
        RadiusCode.CoaRequest => "CoA-Request",
        RadiusCode.CoaAck => "CoA-ACK",
        RadiusCode.CoaNak => "CoA-NAK",
        _ => "Code-" + (byte)code,
    };
}
