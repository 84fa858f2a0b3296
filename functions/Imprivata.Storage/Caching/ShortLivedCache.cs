using System.Collections.Concurrent;

namespace Imprivata.Storage.Caching;

/// <summary>
/// A small in-process cache whose entries live a fixed time (bounded staleness for other instances' writes) and whose size is
/// bounded (when full, expired entries go, then everything). <see cref="Generation"/> guards against a reader storing a value
/// it read before a concurrent write invalidated the cache: it may only store it if no invalidation happened in between.
/// </summary>
internal sealed class ShortLivedCache<TKey, TValue>(TimeProvider time, TimeSpan lifetime, int capacity) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _entries = new();
    private long _generation;

    /// <summary>Take this before reading the source; pass it to <see cref="Set"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

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
        // An invalidation raced with this store: drop the entry rather than keep what may be stale.
        if (Generation != generation)
            _entries.TryRemove(key, out _);
    }

    public void Remove(TKey key)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(key, out _);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
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
