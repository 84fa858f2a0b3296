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
    public string? UserName { get; init; }
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
