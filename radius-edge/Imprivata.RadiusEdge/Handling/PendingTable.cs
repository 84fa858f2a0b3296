namespace Imprivata.RadiusEdge.Handling;

/// <summary>Requests waiting for a decision, by request id, each with a deadline. Capacity-bounded.</summary>
public sealed class PendingTable(int capacity)
{
    private readonly Dictionary<string, PendingRequest> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public int Count { get { lock (_lock) return _pending.Count; } }

    public bool TryAdd(PendingRequest request)
    {
        lock (_lock)
            return _pending.Count < capacity && _pending.TryAdd(request.RequestId, request);
    }

    /// <summary>Removes and returns the request: whoever takes it (decision or deadline) answers it, exactly once.</summary>
    public bool TryTake(string requestId, out PendingRequest request)
    {
        lock (_lock)
            return _pending.Remove(requestId, out request!);
    }

    /// <summary>
    /// Moves a deadline for a "hold" decision, to <paramref name="holdUntil"/> but never past <paramref name="maxHold"/> after
    /// the first hold's arrival, so a backend repeating holds cannot keep a request forever. False when no longer pending.
    /// </summary>
    public bool TryHold(string requestId, DateTimeOffset holdUntil, TimeSpan maxHold, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(requestId, out var request))
                return false;
            request.HoldStartedAt ??= now;
            var cap = request.HoldStartedAt.Value + maxHold;
            request.Deadline = holdUntil < cap ? holdUntil : cap;
            return true;
        }
    }

    public IReadOnlyList<PendingRequest> TakeExpired(DateTimeOffset now)
    {
        lock (_lock)
        {
            var expired = _pending.Values.Where(p => p.Deadline <= now).ToList();
            foreach (var p in expired)
                _pending.Remove(p.RequestId);
            return expired;
        }
    }

    public IReadOnlyList<PendingRequest> TakeAll()
    {
        lock (_lock)
        {
            var all = _pending.Values.ToList();
            _pending.Clear();
            return all;
        }
    }
}
