using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Radius;
using Imprivata.RadiusEdge.Contract;
using FirstFactorMode = Imprivata.Core.Radius.FirstFactorMode;
using PacketIds = Imprivata.RadiusEdge.Contract.RadiusExchange;

namespace Imprivata.Functions.Radius;

/// <summary>
/// A <c>radius.authenticate</c> message as the backend reads it: the contract's fields (radius-edge/README.md) and its
/// optional additions (<c>radius</c>, <c>firstFactor</c>, <c>clientName</c>), which an older edge leaves out. Read leniently
/// where the contract's own record is strict: a first-factor mode this backend does not know is refused with its own reason.
/// </summary>
public sealed record RadiusAuthenticate
{
    public int Version { get; init; }
    public string? Type { get; init; }
    public string RequestId { get; init; } = "";
    public string EdgeId { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset Deadline { get; init; }
    public BridgeNas? Nas { get; init; }
    public string? UserName { get; init; }
    public SealedPassword? Password { get; init; }
    public string? State { get; init; }
    public IReadOnlyList<BridgeAttribute>? Attributes { get; init; }
    /// <summary>The Access-Request's Identifier and Request Authenticator (32 hex digits): a retransmission carries the same.</summary>
    public PacketIds? Radius { get; init; }
    public RadiusFirstFactorReport? FirstFactor { get; init; }
    /// <summary>The edge's client entry the request matched; older edges send only <c>nas.name</c>, which is the same name.</summary>
    public string? ClientName { get; init; }

    /// <summary>The client profile's key.</summary>
    public string Client => string.IsNullOrEmpty(ClientName) ? Nas?.Name ?? "" : ClientName;

    /// <summary>The NAS address in one canonical spelling (an IPv4-mapped IPv6 address as IPv4), so keys and comparisons agree.</summary>
    public string NasAddress => IPAddress.TryParse(Nas?.SourceAddress, out var ip)
        ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
        : "";

    /// <summary>The first-factor mode the edge applied: "directory" when it does not say.</summary>
    public FirstFactorMode? Mode => FirstFactor?.Mode is null
        ? FirstFactorMode.Directory
        : FirstFactorModes.TryParse(FirstFactor.Mode, out var mode) ? mode : null;

    public RadiusReplyTo ReplyTo => new(EdgeId, RequestId);
}

/// <summary>
/// What the edge's first factor found: <c>ldap</c> (the on-premises directory's answer and the user's groups, nested ones
/// included) or <c>none</c>; <c>passed</c> and <c>groups</c> are absent on a challenge response and in <c>none</c> mode.
/// </summary>
public sealed record RadiusFirstFactorReport(string? Mode, bool? Passed, IReadOnlyList<string>? Groups);

/// <summary>Reads requests and writes decisions in the bridge's JSON (queue messages are base64 of it; plain JSON is read too).</summary>
public static class RadiusMessages
{
    private const int MaxUserNameOctets = 253;
    private const int MaxStateOctets = 253;
    private const int MaxGroups = 1000;

    /// <summary>The request, or null with a reason code for the log when the message is not a request this backend can answer.</summary>
    public static RadiusAuthenticate? Read(string? text, out string? error)
    {
        error = null;
        var json = Decode(text);
        if (json is null)
        {
            error = "not_json";
            return null;
        }
        RadiusAuthenticate? request;
        try
        {
            request = JsonSerializer.Deserialize<RadiusAuthenticate>(json, BridgeContract.Json);
        }
        catch (JsonException)
        {
            error = "not_json";
            return null;
        }
        error = request is null ? "not_json" : Problem(request);
        return error is null ? request : null;
    }

    public static string Write(Decision decision) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(decision, BridgeContract.Json)));

    /// <summary>The edge writes base64 (what the Functions queue trigger expects by default); host.json's "none" passes it as it is.</summary>
    private static string? Decode(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        if (trimmed[0] == '{')
            return trimmed;
        var buffer = new byte[trimmed.Length];
        return Convert.TryFromBase64String(trimmed, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : null;
    }

    private static string? Problem(RadiusAuthenticate r)
    {
        if (r.Version != BridgeContract.Version)
            return "version_unsupported";
        if (r.Type != BridgeContract.AuthenticateType)
            return "type_unexpected";
        if (!IsToken(r.RequestId))
            return "request_id_invalid";
        // The edge id names a reply queue: letters, digits and - _ . only, so it can never address anything else.
        if (!IsToken(r.EdgeId))
            return "edge_id_invalid";
        if (r.Nas is null || r.NasAddress.Length == 0)
            return "nas_invalid";
        if (r.Client.Length is 0 or > RadiusClientProfile.MaxNameLength)
            return "client_invalid";
        if (r.UserName is not { Length: > 0 } user || Encoding.UTF8.GetByteCount(user) > MaxUserNameOctets)
            return "user_name_invalid";
        if (r.State is { } state && (!TryBase64(state, out var octets) || octets.Length is 0 or > MaxStateOctets))
            return "state_invalid";
        if (r.Radius is { } ids && (ids.Identifier is < 0 or > 255 || ids.Authenticator is not { Length: 32 } a || !a.All(char.IsAsciiHexDigit)))
            return "radius_ids_invalid";
        if (r.Mode is null)
            return "first_factor_invalid";
        if (r.FirstFactor?.Groups is { Count: > MaxGroups })
            return "groups_invalid";
        return null;
    }

    internal static bool TryBase64(string text, out byte[] octets)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            octets = buffer[..written];
            return true;
        }
        octets = [];
        return false;
    }

    private static bool IsToken(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
