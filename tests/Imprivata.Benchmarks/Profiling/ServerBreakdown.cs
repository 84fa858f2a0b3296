using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Imprivata.Benchmarks.Profiling;

/// <summary>
/// Where our server's time goes, per endpoint: wall time inside the pipeline, and the Azurite round trips made while serving
/// it (HttpClient activities to the table port, attributed to the request through an AsyncLocal). Off during measured phases.
/// </summary>
public static class ServerBreakdown
{
    private static readonly AsyncLocal<RequestProbe?> Current = new();
    private static readonly ConcurrentDictionary<string, EndpointStats> Endpoints = new();
    private static readonly ConcurrentDictionary<string, int> TableCalls = new();
    private static volatile bool _enabled;
    private static ActivityListener? _listener;
    private static int _storagePort;

    public static void Start(int storagePort)
    {
        _storagePort = storagePort;
        Endpoints.Clear();
        TableCalls.Clear();
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                _enabled && Current.Value is not null ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
        _enabled = true;
    }

    public static IReadOnlyDictionary<string, EndpointStats> Stop()
    {
        _enabled = false;
        _listener?.Dispose();
        return new Dictionary<string, EndpointStats>(Endpoints);
    }

    /// <summary>Round trips per endpoint and table operation, e.g. "POST /connect/token | GET Tokens".</summary>
    public static IReadOnlyDictionary<string, int> TableCallsByEndpoint => new Dictionary<string, int>(TableCalls);

    private static void Record(Activity activity)
    {
        if (Current.Value is not { } probe || activity.GetTagItem("server.port") is not int port || port != _storagePort)
            return;
        probe.Add(activity.Duration);
        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        TableCalls.AddOrUpdate($"{probe.Endpoint} | {method} {TableOf(activity.GetTagItem("url.full") as string)}", 1, (_, n) => n + 1);
    }

    /// <summary>"/devstoreaccount1/tabc123Tokens(PartitionKey=..)" gives "Tokens" (the test prefix is t + 12 hex digits).</summary>
    private static string TableOf(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return "?";
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var name = segments.Length > 1 ? segments[1] : "?";
        var cut = name.IndexOfAny(['(', '?']);
        if (cut >= 0)
            name = name[..cut];
        return name.Length > 13 && name[0] == 't' ? name[13..] : name;
    }

    private sealed class RequestProbe(string endpoint)
    {
        private long _calls;
        private long _ticks;
        public string Endpoint => endpoint;
        public long Calls => Interlocked.Read(ref _calls);
        public TimeSpan StorageTime => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public void Add(TimeSpan duration)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _ticks, duration.Ticks);
        }
    }

    public sealed class EndpointStats
    {
        private long _requests, _ticks, _storageCalls, _storageTicks;
        public long Requests => _requests;
        public double ServerMsPerRequest => _requests == 0 ? 0 : TimeSpan.FromTicks(_ticks).TotalMilliseconds / _requests;
        public double StorageCallsPerRequest => _requests == 0 ? 0 : (double)_storageCalls / _requests;
        public double StorageMsPerRequest => _requests == 0 ? 0 : TimeSpan.FromTicks(_storageTicks).TotalMilliseconds / _requests;

        internal void Add(TimeSpan server, long storageCalls, TimeSpan storage)
        {
            Interlocked.Increment(ref _requests);
            Interlocked.Add(ref _ticks, server.Ticks);
            Interlocked.Add(ref _storageCalls, storageCalls);
            Interlocked.Add(ref _storageTicks, storage.Ticks);
        }
    }

    /// <summary>Outermost middleware: times each request and opens the probe its storage calls are counted in.</summary>
    public sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext http, RequestDelegate inner) =>
            {
                if (!_enabled)
                {
                    await inner(http);
                    return;
                }
                var probe = new RequestProbe($"{http.Request.Method} {http.Request.Path}");
                Current.Value = probe;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await inner(http);
                }
                finally
                {
                    Endpoints.GetOrAdd(probe.Endpoint, _ => new EndpointStats()).Add(Stopwatch.GetElapsedTime(started), probe.Calls, probe.StorageTime);
                    Current.Value = null;
                }
            });
            next(app);
        };
    }
}
