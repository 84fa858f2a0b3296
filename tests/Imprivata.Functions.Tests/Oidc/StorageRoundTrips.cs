using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// Counts the Azure Tables round trips (HTTP requests to Azurite) the service makes while serving each request path: the
/// HttpClient activities are attributed to the request through an AsyncLocal set by a middleware of this service only,
/// so other tests sharing Azurite and the process do not disturb the count.
/// </summary>
public sealed class StorageRoundTrips : IDisposable
{
    private static readonly AsyncLocal<ConcurrentQueue<string>?> Current = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byPath = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;

    public StorageRoundTrips()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                Current.Value is not null ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Adds the attributing middleware to a <see cref="TestService"/> (pass as its configure action).</summary>
    public void Attach(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IStartupFilter>(new AttributingFilter(this));

    /// <summary>The round trips ("GET OidcTokens") made while serving requests to <paramref name="path"/> since the last Clear.</summary>
    public IReadOnlyList<string> For(string path) => _byPath.TryGetValue(path, out var calls) ? [.. calls] : [];

    public void Clear() => _byPath.Clear();

    /// <summary>
    /// Attributes the round trips of the calling flow to <paramref name="name"/> from now on, for work that no HTTP request
    /// carries (a queue message handled in-process); read them with <see cref="For"/>.
    /// </summary>
    public void Attribute(string name) => Current.Value = _byPath.GetOrAdd(name, _ => new ConcurrentQueue<string>());

    private static void Record(Activity activity)
    {
        if (Current.Value is not { } calls || activity.GetTagItem("url.full") is not string url ||
            !url.Contains("/devstoreaccount1/", StringComparison.Ordinal))
            return;
        calls.Enqueue($"{activity.GetTagItem("http.request.method")} {TableOf(url)}");
    }

    /// <summary>"/devstoreaccount1/t0123456789abOidcTokens(PartitionKey=..)" gives "OidcTokens".</summary>
    private static string TableOf(string url)
    {
        var segments = new Uri(url).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var name = segments.Length > 1 ? segments[1] : "?";
        var cut = name.IndexOfAny(['(', '?']);
        if (cut >= 0)
            name = name[..cut];
        return name.Length > 13 && name[0] == 't' ? name[13..] : name;
    }

    public void Dispose() => _listener.Dispose();

    private sealed class AttributingFilter(StorageRoundTrips owner) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext http, RequestDelegate inner) =>
            {
                Current.Value = owner._byPath.GetOrAdd(http.Request.Path.Value ?? "", _ => new ConcurrentQueue<string>());
                await inner(http);
            });
            next(app);
        };
    }
}
