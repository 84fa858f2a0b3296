namespace Imprivata.Functions.Hosting;

/// <summary>
/// One kind of expired data a feature knows how to delete (authorization codes, challenges, sessions...).
/// Register implementations with <c>services.AddSingleton&lt;IPurgeTask, MyPurge&gt;()</c>; the PurgeExpired timer runs them all.
/// </summary>
public interface IPurgeTask
{
    /// <summary>Short, stable name used in logs (e.g. "authorization-codes").</summary>
    string Name { get; }

    /// <summary>Deletes what expired before <paramref name="now"/>; returns how many items were deleted.</summary>
    Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct);
}
