namespace Imprivata.RadiusEdge.Management;

/// <summary>
/// What the console decided for this edge and what it reports back: serving or stopped, revoked, the configuration
/// version in use, and recent errors. Read on the request path (volatile fields), written by <see cref="ManagementService"/>.
/// </summary>
public sealed class EdgeStatus(TimeProvider time)
{
    /// <summary>The contract keeps at most 10 error strings of 200 characters.</summary>
    public const int MaxErrors = 10, MaxErrorLength = 200;
    /// <summary>Errors older than this are no longer reported: the console shows what is wrong now, not last week.</summary>
    public static readonly TimeSpan ErrorLifetime = TimeSpan.FromMinutes(15);
    private readonly LinkedList<ErrorLine> _errors = new();
    private volatile bool _stopped;
    private volatile bool _revoked;
    private volatile bool _connected;
    private volatile string? _configVersion;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>The console stopped this edge: every Access-Request of a known client gets Access-Reject.</summary>
    public bool Stopped { get => _stopped; set => _stopped = value; }

    /// <summary>The console revoked this edge (or its credential is no longer valid): no request is answered.</summary>
    public bool Revoked { get => _revoked; set => _revoked = value; }

    /// <summary>A credential file exists and is being used.</summary>
    public bool Connected { get => _connected; set => _connected = value; }

    public string? ConfigVersion { get => _configVersion; set => _configVersion = value; }

    public string State => _revoked ? "revoked" : _stopped ? ManagementContract.Stopped : ManagementContract.Running;

    /// <summary>
    /// Records an error for the next heartbeats. Callers pass codes and reasons only, never secrets or credentials. The same
    /// error right again is counted on its line rather than pushing the others out.
    /// </summary>
    public void Error(string text)
    {
        var now = time.GetUtcNow();
        lock (_errors)
        {
            if (_errors.Last is { } last && last.Value.Text == text)
            {
                last.Value = last.Value with { At = now, Count = last.Value.Count + 1 };
                return;
            }
            _errors.AddLast(new ErrorLine(now, text, 1));
            while (_errors.Count > MaxErrors)
                _errors.RemoveFirst();
        }
    }

    private sealed record ErrorLine(DateTimeOffset At, string Text, int Count);

    private static string Render(ErrorLine e)
    {
        var line = $"{e.At:HH:mm:ss} {e.Text}{(e.Count > 1 ? $" ({e.Count} times)" : "")}";
        return line.Length <= MaxErrorLength ? line : line[..MaxErrorLength];
    }

    public IReadOnlyList<string> RecentErrors()
    {
        var oldest = time.GetUtcNow() - ErrorLifetime;
        lock (_errors)
        {
            while (_errors.First is { } first && first.Value.At < oldest)
                _errors.RemoveFirst();
            return _errors.Select(Render).ToArray();
        }
    }
}
