namespace Imprivata.Core.Radius;

/// <summary>Whether an edge serves RADIUS: what the console asks for, and what the edge says it does.</summary>
public enum EdgeRunState
{
    Running = 0,
    Stopped = 1,
}

/// <summary>
/// An on-premises RADIUS edge connected to the console with an integration token (radius-edge/README.md, "Edge management
/// contract"). Its key is the edge id the edge names itself by, the same id its bridge requests carry. The console manages
/// <see cref="DesiredState"/> and <see cref="Revoked"/>; the edge reports the rest in its heartbeats.
/// </summary>
public sealed record ConnectedEdge
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 64;
    public const int MaxVersionLength = 32;

    public required string Id { get; init; }
    public string Name { get; init; } = "";
    /// <summary>The edge's software version, as it last said (connect or heartbeat).</summary>
    public string Version { get; init; } = "";
    /// <summary>What the console asks for: a stopped edge keeps running and rejects every request.</summary>
    public EdgeRunState DesiredState { get; init; } = EdgeRunState.Running;
    /// <summary>A revoked edge's calls get 401 and its bridge requests are rejected, until it connects again with a new token.</summary>
    public bool Revoked { get; init; }
    /// <summary>base64url(SHA-256(credential)): the credential itself is only ever in the edge's credential file.</summary>
    public string CredentialHash { get; init; } = "";
    public DateTimeOffset ConnectedAt { get; init; }
    public EdgeHeartbeat? LastHeartbeat { get; init; }

    /// <summary>Connected = a heartbeat within three heartbeat intervals.</summary>
    public bool IsConnected(DateTimeOffset now, TimeSpan heartbeatInterval) =>
        !Revoked && LastHeartbeat is { } beat && now - beat.ReceivedAt <= 3 * heartbeatInterval;

    /// <summary>Letters, digits and - _ . only, at most 64: the id names a reply queue and a table row.</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>One heartbeat as the backend kept it: what the edge reported and when it arrived.</summary>
public sealed record EdgeHeartbeat
{
    public const int MaxErrors = 10;
    public const int MaxErrorLength = 200;

    public required DateTimeOffset ReceivedAt { get; init; }
    public EdgeRunState State { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public int Pending { get; init; }
    public int Clients { get; init; }
    public string ConfigVersion { get; init; } = "";
    /// <summary>At most <see cref="MaxErrors"/> strings of <see cref="MaxErrorLength"/> characters, control characters removed.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}

/// <summary>The connected edges (few rows). Registration and heartbeat are written separately, so neither overwrites the other.</summary>
public interface IRadiusEdgeStore
{
    /// <summary>Every edge, by id.</summary>
    Task<IReadOnlyList<ConnectedEdge>> ListAsync(CancellationToken ct);
    Task<ConnectedEdge?> FindAsync(string id, CancellationToken ct);
    /// <summary>
    /// Records a (re)connection: name, version, the new credential's hash, the time; clears a revocation. A new edge starts
    /// running; a known one keeps its desired state.
    /// </summary>
    Task ConnectAsync(string id, string name, string version, string credentialHash, DateTimeOffset at, CancellationToken ct);
    /// <summary>False when no such edge.</summary>
    Task<bool> SetDesiredStateAsync(string id, EdgeRunState state, CancellationToken ct);
    /// <summary>False when no such edge.</summary>
    Task<bool> RevokeAsync(string id, CancellationToken ct);
    /// <summary>Keeps the heartbeat (and the version it reported) beside the registration; false when no such edge.</summary>
    Task<bool> RecordHeartbeatAsync(string id, string version, EdgeHeartbeat heartbeat, CancellationToken ct);
}
