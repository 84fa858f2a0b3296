namespace Imprivata.RadiusEdge.Handling;

public enum DuplicateStatus
{
    /// <summary>First sight: handle it.</summary>
    New,
    /// <summary>A retransmission while the original is pending: drop it (exactly one bridge message).</summary>
    InProgress,
    /// <summary>A retransmission after the reply: resend the cached reply byte for byte.</summary>
    Replied,
    /// <summary>A retransmission of a request that got no answer (deadline or "silent"): stay silent.</summary>
    Unanswered,
    /// <summary>The cache is full of live entries: drop rather than risk a second push.</summary>
    Full,
}

public readonly record struct DuplicateLookup(DuplicateStatus Status, byte[]? Reply = null);

/// <summary>
/// RFC 5080 §2.2.2 duplicate detection. Entries live <c>lifetime</c> after completion (so they outlive the hold time plus
/// the NAS's retries), the cache is size-capped, and expired entries are swept in arrival order.
/// </summary>
public sealed class DuplicateCache(TimeProvider time, int capacity, TimeSpan lifetime)
{
    private sealed class Entry
    {
        public DuplicateStatus Status;
        public byte[]? Reply;
        public DateTimeOffset ExpiresAt;
    }

    private readonly Dictionary<RequestKey, Entry> _entries = new();
    private readonly Queue<(RequestKey Key, DateTimeOffset ExpiresAt)> _order = new();
    private readonly Lock _lock = new();

    public int Count { get { lock (_lock) return _entries.Count; } }

    /// <summary>Looks the request up and, when new, records it as in progress.</summary>
    public DuplicateLookup Begin(RequestKey key, TimeSpan maxPending)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now);
            if (_entries.TryGetValue(key, out var existing))
            {
                if (existing.ExpiresAt > now)
                    return new DuplicateLookup(existing.Status, existing.Reply);
                _entries.Remove(key);
            }
            if (_entries.Count >= capacity)
                SweepAll(now);
            if (_entries.Count >= capacity)
                return new DuplicateLookup(DuplicateStatus.Full);
            var entry = new Entry { Status = DuplicateStatus.InProgress, ExpiresAt = now + maxPending + lifetime };
            _entries[key] = entry;
            _order.Enqueue((key, entry.ExpiresAt));
            return new DuplicateLookup(DuplicateStatus.New);
        }
    }

    /// <summary>Records the outcome: the reply to resend, or null for "no answer".</summary>
    public void Complete(RequestKey key, byte[]? reply)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
                return;
            entry.Status = reply is null ? DuplicateStatus.Unanswered : DuplicateStatus.Replied;
            entry.Reply = reply;
            entry.ExpiresAt = now + lifetime;
            _order.Enqueue((key, entry.ExpiresAt));
        }
    }

    /// <summary>Forgets a request that was never handed on (the bridge was down), so the NAS's retry is handled anew.</summary>
    public void Forget(RequestKey key)
    {
        lock (_lock)
            _entries.Remove(key);
    }

    // The queue is in arrival order, not expiry order (a completion moves an expiry), so the cheap sweep stops at the
    // first live head; lookups check expiry themselves, and a full cache gets a complete pass before refusing.
    private void SweepAll(DateTimeOffset now)
    {
        foreach (var key in _entries.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
            _entries.Remove(key);
        if (_order.Count > 4 * capacity)
            _order.Clear();
    }

    private void Sweep(DateTimeOffset now)
    {
        while (_order.TryPeek(out var head) && head.ExpiresAt <= now)
        {
            _order.Dequeue();
            // Only the newest queue item of a key carries its current expiry.
            if (_entries.TryGetValue(head.Key, out var entry) && entry.ExpiresAt <= now)
                _entries.Remove(head.Key);
        }
    }
}
