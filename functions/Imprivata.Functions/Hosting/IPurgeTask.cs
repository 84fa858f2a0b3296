namespace Imprivata.Functions.Hosting;

/// <summary>Work the PurgeExpired timer does: each feature removes its own expired rows.</summary>
public interface IPurgeTask
{
    string Name { get; }
    Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct);
}
