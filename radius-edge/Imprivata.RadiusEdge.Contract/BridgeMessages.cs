using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprivata.RadiusEdge.Contract;

/// <summary>Version and type tags of the bridge contract. A receiver ignores (and logs) messages of another version.</summary>
public static class BridgeContract
{
    public const int Version = 1;
    public const string AuthenticateType = "radius.authenticate";
    public const string DecisionType = "radius.decision";

    /// <summary>camelCase, enums as camelCase strings, nulls omitted.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };
}

/// <summary>The NAS (RADIUS client) a request came from, as configured on the edge.</summary>
public sealed record BridgeNas(string Name, string Type, string SourceAddress);

/// <summary>An attribute by dictionary name, its value as text (integers by VALUE name when one exists).</summary>
public sealed record BridgeAttribute(string Name, string Value);

/// <summary>
/// The Access-Request's Identifier and Request Authenticator (32 hex digits): with the edge id and the NAS's address they
/// name one RADIUS exchange, so the backend can answer a retransmission the edge forwarded again with the same outcome
/// (RFC 5080 §2.2.2: a retransmission is not processed again).
/// </summary>
public sealed record RadiusExchange(int Identifier, string Authenticator);

/// <summary>Which first factor the edge applied for the NAS client: the backend checks the password, the edge's directory did, or the gateway did.</summary>
public enum FirstFactorMode
{
    /// <summary>The sealed password is in the request and the backend checks it (the default when <c>firstFactor</c> is absent).</summary>
    Directory,
    /// <summary>The edge bound to the on-premises directory; the password never leaves the site.</summary>
    Ldap,
    /// <summary>The gateway already checked the password; none is sent.</summary>
    None,
}

/// <summary>
/// The first factor as the edge applied it. <see cref="Passed"/> and <see cref="Groups"/> are set for <c>ldap</c> (what the
/// directory said: the user's group DNs, nested groups included) and absent otherwise, and absent on a challenge response.
/// </summary>
public sealed record FirstFactor
{
    public required FirstFactorMode Mode { get; init; }
    public bool? Passed { get; init; }
    public IReadOnlyList<string>? Groups { get; init; }
}

/// <summary>
/// "Authenticate this request": edge -> backend. The password is sealed to the backend's public key
/// (<see cref="PasswordSeal"/>); State is base64 of the octets the NAS echoed from an earlier Access-Challenge.
/// </summary>
public sealed record AuthenticateRequest
{
    public int Version { get; init; } = BridgeContract.Version;
    public string Type { get; init; } = BridgeContract.AuthenticateType;
    public required string RequestId { get; init; }
    public required string EdgeId { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>After this instant the edge no longer answers: a later decision is ignored.</summary>
    public required DateTimeOffset Deadline { get; init; }
    public required BridgeNas Nas { get; init; }
    /// <summary>The RADIUS client (NAS entry) the request matched at the edge: the backend's client profile key.</summary>
    public string? ClientName { get; init; }
    public RadiusExchange? Radius { get; init; }
    public FirstFactor? FirstFactor { get; init; }
    public string? UserName { get; init; }
    /// <summary>
    /// The PAP password, sealed: present in <c>directory</c> mode, and in every mode on a challenge response (then it is
    /// the user's answer to the backend's challenge, not the directory password).
    /// </summary>
    public SealedPassword? Password { get; init; }
    public string? State { get; init; }
    public IReadOnlyList<BridgeAttribute> Attributes { get; init; } = [];
}

public enum DecisionKind
{
    /// <summary>Access-Accept with <see cref="Decision.ReplyMessage"/> and <see cref="Decision.Attributes"/>.</summary>
    Accept,
    /// <summary>Access-Reject with <see cref="Decision.ReplyMessage"/>.</summary>
    Reject,
    /// <summary>Access-Challenge with Reply-Message and <see cref="Decision.State"/> (required, base64, >= 16 octets).</summary>
    Challenge,
    /// <summary>Keep waiting (a push is out): the deadline moves to <see cref="Decision.HoldUntil"/>, capped by the edge.</summary>
    Hold,
    /// <summary>Send nothing (RFC 2865 §2: a server that cannot decide stays silent; the NAS retries or fails over).</summary>
    Silent,
}

/// <summary>The backend's answer: backend -> edge, on the edge's own reply queue / session.</summary>
public sealed record Decision
{
    public int Version { get; init; } = BridgeContract.Version;
    public string Type { get; init; } = BridgeContract.DecisionType;
    public required string RequestId { get; init; }
    public required string EdgeId { get; init; }
    public required DecisionKind Kind { get; init; }
    public string? ReplyMessage { get; init; }
    public string? State { get; init; }
    public IReadOnlyList<BridgeAttribute>? Attributes { get; init; }
    public DateTimeOffset? HoldUntil { get; init; }
    /// <summary>Reason code for the edge's exchange log (never a secret).</summary>
    public string? Reason { get; init; }
}
