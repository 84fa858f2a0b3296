using Imprivata.Core.Radius;

namespace Imprivata.Functions.Radius.Edges;

/// <summary>
/// Whether a bridge request's edge may be answered at all: a stopped or revoked edge's requests are rejected before any
/// factor; an edge id never connected is decided as before (an edge run from its local files). The decision path asks on
/// every request, so the edges' states are read as one list and kept for <see cref="CacheLifetime"/>: a stop, restart or
/// revoke made on another instance applies here at most that much later (one made on this instance, at once).
/// </summary>
public sealed class RadiusEdgeGate(IRadiusEdgeStore edges, TimeProvider time)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private sealed record Snapshot(IReadOnlyDictionary<string, (EdgeRunState State, bool Revoked)> Edges, DateTimeOffset ReadAt, long Generation);

    private Snapshot? _snapshot;
    private long _generation;

    /// <summary>The reject reason for this edge's requests, or null when they are decided as usual.</summary>
    public async Task<string?> RefusalAsync(string edgeId, CancellationToken ct)
    {
        var snapshot = _snapshot;
        var generation = Interlocked.Read(ref _generation);
        if (snapshot is null || snapshot.Generation != generation || time.GetUtcNow() - snapshot.ReadAt >= CacheLifetime)
        {
            var readAt = time.GetUtcNow();
            var list = await edges.ListAsync(ct).ConfigureAwait(false);
            snapshot = new Snapshot(list.ToDictionary(e => e.Id, e => (e.DesiredState, e.Revoked), StringComparer.OrdinalIgnoreCase), readAt, generation);
            _snapshot = snapshot;
        }
        if (!snapshot.Edges.TryGetValue(edgeId, out var edge))
            return null;
        return edge.Revoked ? RadiusReasons.EdgeRevoked : edge.State == EdgeRunState.Stopped ? RadiusReasons.EdgeStopped : null;
    }

    /// <summary>After a change through this instance: the next request reads the states again.</summary>
    public void Changed() => Interlocked.Increment(ref _generation);
}
