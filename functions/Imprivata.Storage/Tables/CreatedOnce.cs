using System.Collections.Concurrent;

namespace Imprivata.Storage.Tables;

/// <summary>
/// Creates a named resource (a table, a queue) once and hands out the result. Callers of one name share the attempt in
/// flight, and a failed attempt is forgotten, so the next caller tries again: storage that was down when the app started
/// must not leave a table failing for good once storage is back.
/// </summary>
internal sealed class CreatedOnce<T>(Func<string, Task<T>> create)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<T>>> _created = new(StringComparer.Ordinal);

    public async Task<T> GetAsync(string name, CancellationToken ct)
    {
        var attempt = _created.GetOrAdd(name, n => new Lazy<Task<T>>(() => create(n)));
        try
        {
            return await attempt.Value.WaitAsync(ct).ConfigureAwait(false);
        }
        catch when (attempt.Value.IsFaulted || attempt.Value.IsCanceled)
        {
            // Only this attempt is dropped: a newer one another caller already started stays.
            _created.TryRemove(KeyValuePair.Create(name, attempt));
            throw;
        }
    }

    /// <summary>How many names are created or being created (for tests and diagnostics).</summary>
    public int Count => _created.Count;
}
