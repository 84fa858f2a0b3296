using System.Collections.Concurrent;

namespace Imprivata.Storage.Caching;

/// <summary>
/// A small in-process cache whose entries live a fixed time (bounded staleness for other instances' writes) and whose size is
/// bounded (when full, expired entries go, then everything). <see cref="Generation"/> guards against a reader storing a value
/// it read before a concurrent write invalidated it: it may only store it if no invalidation of that key happened in between.
/// Invalidations are tracked per stripe of keys, not for the whole cache, so that a busy cache (codes redeemed while others
/// are issued) does not turn away most of its stores: a store is refused when its key's stripe, or everything, was
/// invalidated since the reader took its generation.
/// </summary>
internal sealed class ShortLivedCache<TKey, TValue>(TimeProvider time, TimeSpan lifetime, int capacity) where TKey : notnull
{
    private const int Stripes = 64;
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _entries = new();
    // Sequence numbers: the latest invalidation overall, of each stripe, and of everything (Clear).
    private long _sequence;
    private readonly long[] _stripeInvalidatedAt = new long[Stripes];
    private long _clearedAt;

    /// <summary>Take this before reading the source; pass it to <see cref="Set"/>.</summary>
    public long Generation => Interlocked.Read(ref _sequence);

    internal static int StripeOf(TKey key) => (key.GetHashCode() & int.MaxValue) % Stripes;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Expires > time.GetUtcNow())
            {
                value = entry.Value;
                return true;
            }
            _entries.TryRemove(new KeyValuePair<TKey, (TValue, DateTimeOffset)>(key, entry));
        }
        value = default!;
        return false;
    }

    /// <summary>Removes and returns a live entry: for values that may be used once (see IssuedCodes).</summary>
    public bool TryTake(TKey key, out TValue value)
    {
        if (_entries.TryRemove(key, out var entry) && entry.Expires > time.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Stores a value read at <paramref name="generation"/>, unless the cache was invalidated since.</summary>
    public void Set(TKey key, TValue value, long generation)
    {
        if (_entries.Count >= capacity)
            Trim();
        _entries[key] = (value, time.GetUtcNow() + lifetime);
        // An invalidation of this key raced with this store: drop the entry rather than keep what may be stale. Invalidations
        // publish their sequence number before removing, so one that removed before this store wrote is seen here.
        if (Math.Max(Volatile.Read(ref _stripeInvalidatedAt[StripeOf(key)]), Volatile.Read(ref _clearedAt)) > generation)
            _entries.TryRemove(key, out _);
    }

    public void Remove(TKey key)
    {
        RaiseTo(ref _stripeInvalidatedAt[StripeOf(key)], Interlocked.Increment(ref _sequence));
        _entries.TryRemove(key, out _);
    }

    public void Clear()
    {
        RaiseTo(ref _clearedAt, Interlocked.Increment(ref _sequence));
        _entries.Clear();
    }

    // Concurrent invalidations of one stripe: the later sequence number must win, whichever thread writes last.
    private static void RaiseTo(ref long slot, long value)
    {
        var current = Volatile.Read(ref slot);
        while (current < value)
        {
            var seen = Interlocked.CompareExchange(ref slot, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }

    private void Trim()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in _entries)
            if (entry.Expires <= now)
                _entries.TryRemove(key, out _);
        if (_entries.Count >= capacity)
            _entries.Clear();
    }
}
