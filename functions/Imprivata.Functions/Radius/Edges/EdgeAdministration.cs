using Imprivata.Core.Audit;
using Imprivata.Core.Radius;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>How the console shows one edge: connected (a heartbeat within three intervals), running or stopped, revoked.</summary>
public sealed record EdgeStatus(string Id, string Name, string Version, string DesiredState, bool Revoked, bool Connected, DateTimeOffset ConnectedAt,
    EdgeHeartbeatView? LastHeartbeat);

public sealed record EdgeHeartbeatView(DateTimeOffset ReceivedAt, string State, DateTimeOffset? StartedAt, int Pending, int Clients, string ConfigVersion,
    IReadOnlyList<string> Errors);

public sealed record EdgeOverview(string IntegrationId, string HeartbeatInterval, IReadOnlyList<EdgeStatus> Edges);

/// <summary>A freshly issued integration token: shown once, never stored or logged.</summary>
public sealed record IssuedEdgeToken(string Token, DateTimeOffset ExpiresAt, string Command);

/// <summary>
/// Applications > Remote access > Edges: the integration ID, one-time integration tokens (superadmin), and stopping,
/// restarting and revoking edges. Every change is audited with the acting administrator.
/// </summary>
public sealed class EdgeAdministration(
    IRadiusEdgeStore edges,
    IEdgeIntegrationTokenStore tokens,
    IEdgeIntegrationId integration,
    RadiusEdgeGate gate,
    RadiusOptions radius,
    IOptions<ServiceOptions> service,
    AdminAudit audit,
    TimeProvider time)
{
    public async Task<EdgeOverview> OverviewAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var list = await edges.ListAsync(ct).ConfigureAwait(false);
        return new EdgeOverview(await integration.GetAsync(ct).ConfigureAwait(false), EdgeConnections.Interval(radius.EdgeHeartbeatInterval),
            [.. list.Select(e => StatusOf(e, now))]);
    }

    public EdgeStatus StatusOf(ConnectedEdge e, DateTimeOffset now) => new(e.Id, e.Name, e.Version, EdgeConnections.StateName(e.DesiredState), e.Revoked,
        e.IsConnected(now, radius.EdgeHeartbeatInterval), e.ConnectedAt,
        e.LastHeartbeat is { } b ? new EdgeHeartbeatView(b.ReceivedAt, EdgeConnections.StateName(b.State), b.StartedAt, b.Pending, b.Clients, b.ConfigVersion, b.Errors) : null);

    public async Task<IssuedEdgeToken> IssueTokenAsync(AdminPrincipal actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var secret = EdgeSecrets.NewSecret();
        var hash = EdgeSecrets.Hash(secret);
        var expires = now + EdgeIntegrationToken.Lifetime;
        await tokens.AddAsync(new EdgeIntegrationToken { Hash = hash, IssuedBy = actor.User.Username, IssuedAt = now, ExpiresAt = expires }, ct).ConfigureAwait(false);
        // The hash's first characters tell tokens apart in the audit without being usable.
        await audit.SucceededAsync(actor, AuditKinds.RadiusEdgeTokenIssue, ct, detail: $"token={hash[..8]} expires={expires:O}").ConfigureAwait(false);
        var token = EdgeSecrets.FormatToken(service.Value.PublicBase, await integration.GetAsync(ct).ConfigureAwait(false), secret);
        return new IssuedEdgeToken(token, expires, "radius-edge connect " + token);
    }

    /// <summary>Stops or restarts one edge; a not_found failure for an unknown one.</summary>
    public async Task<AdminResult<EdgeRunState>> SetStateAsync(AdminPrincipal actor, string id, EdgeRunState state, CancellationToken ct)
    {
        if (!await edges.SetDesiredStateAsync(id, state, ct).ConfigureAwait(false))
            return AdminResult<EdgeRunState>.Fail(Core.UserDirectory.DirectoryErrors.NotFound);
        gate.Changed();
        await audit.SucceededAsync(actor, KindOf(state), ct, clientId: id, detail: $"edge={id}").ConfigureAwait(false);
        return AdminResult<EdgeRunState>.Ok(state);
    }

    /// <summary>Stops or restarts every edge not revoked; returns how many.</summary>
    public async Task<int> SetAllAsync(AdminPrincipal actor, EdgeRunState state, CancellationToken ct)
    {
        var changed = 0;
        foreach (var edge in await edges.ListAsync(ct).ConfigureAwait(false))
            if (!edge.Revoked && await edges.SetDesiredStateAsync(edge.Id, state, ct).ConfigureAwait(false))
                changed++;
        gate.Changed();
        await audit.SucceededAsync(actor, KindOf(state), ct, detail: $"edge=* count={changed}").ConfigureAwait(false);
        return changed;
    }

    public async Task<AdminResult<bool>> RevokeAsync(AdminPrincipal actor, string id, CancellationToken ct)
    {
        if (!await edges.RevokeAsync(id, ct).ConfigureAwait(false))
            return AdminResult<bool>.Fail(Core.UserDirectory.DirectoryErrors.NotFound);
        gate.Changed();
        await audit.SucceededAsync(actor, AuditKinds.RadiusEdgeRevoke, ct, clientId: id, detail: $"edge={id}").ConfigureAwait(false);
        return AdminResult<bool>.Ok(true);
    }

    private static string KindOf(EdgeRunState state) => state == EdgeRunState.Stopped ? AuditKinds.RadiusEdgeStop : AuditKinds.RadiusEdgeRestart;
}
