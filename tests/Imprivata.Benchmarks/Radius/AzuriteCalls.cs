using System.Collections.Concurrent;
using System.Diagnostics;

namespace Imprivata.Benchmarks.Radius;

/// <summary>
/// The backend's round trips to Azurite (tables and queues) while a run is measured, by method and table or queue, from
/// HttpClient's activities: divided by the decisions made, what each decision costs in storage calls. The edge's own
/// calls (one send per request, reply-queue receives and deletes) are in its process and not counted here.
/// </summary>
public sealed class AzuriteCalls : IDisposable
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ActivityListener _listener;
    private readonly HashSet<int> _ports;

    public AzuriteCalls(params int[] ports)
    {
        _ports = [.. ports];
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyDictionary<string, int> Calls => _calls;

    private void Record(Activity activity)
    {
        if (activity.GetTagItem("server.port") is not int port || !_ports.Contains(port))
            return;
        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        _calls.AddOrUpdate($"{method} {ResourceOf(activity.GetTagItem("url.full") as string)}", 1, (_, n) => n + 1);
    }

    /// <summary>"/devstoreaccount1/tabc123Users(PartitionKey=..)" gives "Users"; "/devstoreaccount1/rq-abc/messages" gives "rq-*/messages".</summary>
    private static string ResourceOf(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return "?";
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var name = segments.Length > 1 ? segments[1] : "?";
        var cut = name.IndexOfAny(['(', '?']);
        if (cut >= 0)
            name = name[..cut];
        if (name.Length > 13 && name[0] == 't' && name[1..13].All(char.IsAsciiHexDigit))
            return name[13..];
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        var queue = dash > 0 ? name[..(dash + 1)] + "*" : name;
        return segments.Length > 2 ? queue + "/" + segments[2] : queue;
    }

    public void Dispose() => _listener.Dispose();
}
