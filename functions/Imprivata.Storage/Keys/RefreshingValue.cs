namespace Imprivata.Storage.Keys;

/// <summary>
/// A value loaded from a slow or rate-limited source (Tables, Key Vault), reloaded once it is older than the refresh period.
/// Callers on the hot path never queue behind a reload when a previous value exists, and a failed reload keeps the previous
/// value (signing goes on during a storage or vault blip) and is retried after <see cref="RetryAfterFailure"/>.
/// </summary>
public sealed class RefreshingValue<T> where T : class
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly Func<CancellationToken, Task<T>> _load;
    private readonly TimeProvider _time;
    private readonly TimeSpan _refresh;
    private readonly Action<Exception> _onStale;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Entry? _entry;

    /// <param name="onStale">Told when a reload failed and the previous value is served instead.</param>
    public RefreshingValue(Func<CancellationToken, Task<T>> load, TimeProvider time, TimeSpan refresh, Action<Exception> onStale)
    {
        _load = load;
        _time = time;
        _refresh = refresh;
        _onStale = onStale;
    }

    public async Task<T> GetAsync(CancellationToken ct)
    {
        var entry = _entry;
        if (entry is not null && IsFresh(entry))
            return entry.Value;
        if (entry is null)
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        else if (!await _gate.WaitAsync(0, ct).ConfigureAwait(false))
            return entry.Value; // another caller is reloading
        try
        {
            entry = _entry;
            if (entry is not null && IsFresh(entry))
                return entry.Value;
            try
            {
                var value = await _load(ct).ConfigureAwait(false);
                _entry = new Entry(value, _time.GetUtcNow());
                return value;
            }
            catch (Exception e) when (entry is not null && e is not OperationCanceledException)
            {
                _onStale(e);
                _entry = entry with { LoadedAt = _time.GetUtcNow() + RetryAfterFailure - _refresh };
                return entry.Value;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces the value with one loaded elsewhere (after maintenance).</summary>
    public void Set(T value) => _entry = new Entry(value, _time.GetUtcNow());

    private bool IsFresh(Entry entry) => _time.GetUtcNow() - entry.LoadedAt < _refresh;

    /// <param name="LoadedAt">Load time; set back after a failure so the retry comes after RetryAfterFailure, not a full period.</param>
    private sealed record Entry(T Value, DateTimeOffset LoadedAt);
}
