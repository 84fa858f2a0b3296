using Imprivata.Core.Audit;
using Imprivata.Core.Radius;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>The contract's messages (radius-edge/README.md, "Edge management contract"), as the backend reads and writes them.</summary>
public sealed record EdgeConnectRequest(string? Token, string? EdgeId, string? Name, string? Version);
public sealed record EdgeConnectResponse(string EdgeId, string IntegrationId, string Credential, string HeartbeatInterval);
public sealed record EdgeHeartbeatRequest(string? Version, string? State, DateTimeOffset? StartedAt, int? Pending, int? Clients, string? ConfigVersion,
    IReadOnlyList<string?>? Errors);
public sealed record EdgeHeartbeatResponse(string DesiredState, string ConfigVersion, string HeartbeatInterval);

/// <summary>
/// The edge side of edge management: connecting with a one-time integration token, and checking the credential every later
/// call carries. Each connect, refused connect and refused call is audited (never with the token or credential).
/// </summary>
public sealed partial class EdgeConnections(
    IRadiusEdgeStore edges,
    IEdgeIntegrationTokenStore tokens,
    IEdgeIntegrationId integration,
    RadiusEdgeGate gate,
    RadiusOptions options,
    IAuditLog audit,
    TimeProvider time,
    ILogger<EdgeConnections> logger)
{
    /// <summary>Contract error codes.</summary>
    public const string InvalidToken = "invalid_token";
    public const string InvalidCredential = "invalid_credential";
    public const string EdgeRevoked = "edge_revoked";

    public static string Interval(TimeSpan interval) => interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The credential for the edge, or the error and reason for a 400.</summary>
    public async Task<(EdgeConnectResponse? Connected, string? Error, string? Reason)> ConnectAsync(EdgeConnectRequest request, AuditOrigin origin, CancellationToken ct)
    {
        var edgeId = request.EdgeId?.Trim();
        if (!ConnectedEdge.IsValidId(edgeId))
            return await RefusedAsync("invalid_request", "edge_id_invalid", null, origin, ct).ConfigureAwait(false);
        var name = string.IsNullOrWhiteSpace(request.Name) ? edgeId! : request.Name.Trim();
        if (name.Length > ConnectedEdge.MaxNameLength || name.Any(char.IsControl))
            return await RefusedAsync("invalid_request", "name_invalid", edgeId, origin, ct).ConfigureAwait(false);
        var version = request.Version?.Trim() ?? "";
        if (version.Length > ConnectedEdge.MaxVersionLength || version.Any(char.IsControl))
            return await RefusedAsync("invalid_request", "version_invalid", edgeId, origin, ct).ConfigureAwait(false);

        var integrationId = await integration.GetAsync(ct).ConfigureAwait(false);
        if (EdgeSecrets.ReadToken(request.Token) is not { } body)
            return await RefusedAsync(InvalidToken, "token_malformed", edgeId, origin, ct).ConfigureAwait(false);
        if (!string.Equals(body.Iid, integrationId, StringComparison.Ordinal))
            return await RefusedAsync(InvalidToken, "integration_id_mismatch", edgeId, origin, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var token = await tokens.FindAsync(EdgeSecrets.Hash(body.Secret), ct).ConfigureAwait(false);
        var refusal = token switch
        {
            null => "token_unknown",
            { UsedAt: not null } => "token_used",
            _ when token.ExpiresAt <= now => "token_expired",
            _ => null,
        };
        if (refusal is null && !await tokens.TryUseAsync(token!, edgeId!, now, ct).ConfigureAwait(false))
            refusal = "token_used";
        if (refusal is not null)
            return await RefusedAsync(InvalidToken, refusal, edgeId, origin, ct).ConfigureAwait(false);

        var credential = EdgeSecrets.NewSecret();
        await edges.ConnectAsync(edgeId!, name, version, EdgeSecrets.Hash(credential), now, ct).ConfigureAwait(false);
        gate.Changed();
        await AuditAsync(AuditKinds.RadiusEdgeConnect, AuditResults.Success, AuditReasons.Ok, edgeId, origin, ct,
            $"edge={edgeId} issued_by={token!.IssuedBy} version={version}").ConfigureAwait(false);
        LogConnected(edgeId!, version);
        return (new EdgeConnectResponse(edgeId!, integrationId, credential, Interval(options.EdgeHeartbeatInterval)), null, null);
    }

    /// <summary>The edge a call's bearer credential belongs to, or the 401 error code (audited).</summary>
    public async Task<(ConnectedEdge? Edge, string? Error)> AuthenticateAsync(string edgeId, string? authorization, AuditOrigin origin, CancellationToken ct)
    {
        var credential = authorization is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var edge = ConnectedEdge.IsValidId(edgeId) ? await edges.FindAsync(edgeId, ct).ConfigureAwait(false) : null;
        // An unknown edge and a wrong credential look the same to the caller.
        var error = edge is null || !EdgeSecrets.Matches(credential, edge.CredentialHash) ? InvalidCredential
            : edge.Revoked ? EdgeRevoked
            : null;
        if (error is null)
            return (edge, null);
        await AuditAsync(AuditKinds.RadiusEdgeCallRefused, AuditResults.Failure, error, edge?.Id, origin, ct,
            ConnectedEdge.IsValidId(edgeId) ? $"edge={edgeId}" : null).ConfigureAwait(false);
        LogCallRefused(ConnectedEdge.IsValidId(edgeId) ? edgeId : "(invalid)", error);
        return (null, error);
    }

    /// <summary>Keeps what the edge reported and answers what the console wants of it.</summary>
    public async Task<EdgeHeartbeatResponse> HeartbeatAsync(ConnectedEdge edge, EdgeHeartbeatRequest beat, string configVersion, CancellationToken ct)
    {
        var heartbeat = new EdgeHeartbeat
        {
            ReceivedAt = time.GetUtcNow(),
            State = string.Equals(beat.State, "stopped", StringComparison.OrdinalIgnoreCase) ? EdgeRunState.Stopped : EdgeRunState.Running,
            StartedAt = beat.StartedAt,
            Pending = Math.Max(0, beat.Pending ?? 0),
            Clients = Math.Max(0, beat.Clients ?? 0),
            ConfigVersion = Clip(beat.ConfigVersion, 128),
            Errors = [.. (beat.Errors ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Take(EdgeHeartbeat.MaxErrors).Select(e => Clip(e, EdgeHeartbeat.MaxErrorLength))],
        };
        var version = beat.Version is null ? edge.Version : Clip(beat.Version, ConnectedEdge.MaxVersionLength);
        await edges.RecordHeartbeatAsync(edge.Id, version, heartbeat, ct).ConfigureAwait(false);
        return new EdgeHeartbeatResponse(StateName(edge.DesiredState), configVersion, Interval(options.EdgeHeartbeatInterval));
    }

    public static string StateName(EdgeRunState state) => state == EdgeRunState.Stopped ? "stopped" : "running";

    /// <summary>Reported text as the console may show it: no control characters, at most <paramref name="max"/> characters.</summary>
    private static string Clip(string? text, int max)
    {
        var clean = new string((text ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length <= max ? clean : clean[..max];
    }

    private async Task<(EdgeConnectResponse?, string?, string?)> RefusedAsync(string error, string reason, string? edgeId, AuditOrigin origin, CancellationToken ct)
    {
        await AuditAsync(AuditKinds.RadiusEdgeConnectRefused, AuditResults.Failure, reason, edgeId, origin, ct, edgeId is null ? null : $"edge={edgeId}")
            .ConfigureAwait(false);
        LogConnectRefused(edgeId ?? "(invalid)", reason);
        return (null, error, reason);
    }

    private Task AuditAsync(string kind, string result, string reason, string? edgeId, AuditOrigin origin, CancellationToken ct, string? detail) =>
        audit.AppendAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = kind,
            Result = result,
            Reason = reason,
            ClientId = edgeId,
            Ip = origin.Ip,
            RequestId = origin.RequestId,
            Detail = detail,
        }, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "RADIUS edge {EdgeId} connected (version {Version})")]
    private partial void LogConnected(string edgeId, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RADIUS edge connect refused for {EdgeId}: {Reason}")]
    private partial void LogConnectRefused(string edgeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RADIUS edge call refused for {EdgeId}: {Reason}")]
    private partial void LogCallRefused(string edgeId, string reason);
}
