namespace Imprivata.RadiusEdge.Logging;

/// <summary>
/// At most one line per key per interval, so that a flood of unauthenticated packets cannot flood the log.
/// Size-capped: when full, it forgets everything (the worst case is one extra line per key).
/// </summary>
public sealed class LogRateLimiter(TimeProvider time, TimeSpan interval, int capacity = 10_000)
{
    private readonly Dictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool ShouldLog(string key)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_last.TryGetValue(key, out var last) && now - last < interval)
                return false;
            if (_last.Count >= capacity)
                _last.Clear();
            _last[key] = now;
            return true;
        }
    }
}
