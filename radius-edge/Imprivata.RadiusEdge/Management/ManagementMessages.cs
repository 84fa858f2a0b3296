using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprivata.RadiusEdge.Management;

/// <summary>The edge management contract (version 1, radius-edge/README.md): the bodies the edge sends and receives.</summary>
public static class ManagementContract
{
    public const string TokenPrefix = "imp-edge.";
    public const int TokenVersion = 1;
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string InvalidToken = "invalid_token";
    public const string EdgeRevoked = "edge_revoked";
    public const string InvalidCredential = "invalid_credential";

    /// <summary>camelCase, nulls omitted; durations as <c>[d.]hh:mm:ss</c> (System.Text.Json's TimeSpan form).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

public sealed record ConnectRequest(string Token, string EdgeId, string? Name, string Version);

public sealed record ConnectResponse(string EdgeId, string IntegrationId, string Credential, TimeSpan? HeartbeatInterval);

public sealed record HeartbeatRequest(string Version, string State, DateTimeOffset StartedAt, int Pending, int Clients,
    string? ConfigVersion, IReadOnlyList<string> Errors);

public sealed record HeartbeatResponse(string? DesiredState, string? ConfigVersion, TimeSpan? HeartbeatInterval);

/// <summary>GET config: the RADIUS clients the console manages for this edge.</summary>
public sealed record EdgeConfig(string ConfigVersion, IReadOnlyList<ManagedRadiusClient>? RadiusClients);

public sealed record ManagedRadiusClient(string Name, string? Type, IReadOnlyList<string>? Addresses, IReadOnlyList<string>? Secrets,
    bool RequireMessageAuthenticator = true, bool LimitProxyState = true, string? FirstFactor = null, string? LdapProfile = null,
    bool Enabled = true)
{
    // Secrets are deliberately left out of the generated ToString (never logged).
    public override string ToString() => $"{Name} ({Type})";
}

/// <summary>GET seal-key: the backend's current public key for sealed passwords.</summary>
public sealed record SealKeyResponse(string? Kid, string? Alg, string? Pem);

public sealed record ManagementError(string? Error, string? Reason);
