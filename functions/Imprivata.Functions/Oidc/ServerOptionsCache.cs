using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// OpenIddict's server options, kept once built. Building them reads the signing keys and the token keys (Key Vault,
/// storage); .NET's own options cache keeps a failed build's exception for good, so a vault or storage account out of reach at
/// an instance's first request would fail every request until a restart. Here a failed build answers for
/// <see cref="RetryAfter"/> (requests fail fast instead of each blocking a thread on the vault), then the next request builds again.
/// </summary>
internal sealed class ServerOptionsCache(TimeProvider time) : IOptionsMonitorCache<OpenIddictServerOptions>
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Build> _cache = new(StringComparer.Ordinal);

    public OpenIddictServerOptions GetOrAdd(string? name, Func<OpenIddictServerOptions> createOptions)
    {
        name ??= Options.DefaultName;
        if (_cache.TryGetValue(name, out var cached) && cached.Options.IsValueCreated)
            return cached.Options.Value;
        var build = _cache.GetOrAdd(name, static (_, create) => new Build(create), createOptions);
        if (build.FailedAt is { } failedAt && time.GetUtcNow() - failedAt >= RetryAfter)
        {
            var fresh = new Build(createOptions);
            build = _cache.TryUpdate(name, fresh, build) ? fresh : _cache.GetOrAdd(name, static (_, create) => new Build(create), createOptions);
        }
        try
        {
            return build.Options.Value;
        }
        catch
        {
            build.Failed(time.GetUtcNow());
            throw;
        }
    }

    public bool TryAdd(string? name, OpenIddictServerOptions options)
    {
        var build = new Build(() => options);
        _ = build.Options.Value;
        return _cache.TryAdd(name ?? Options.DefaultName, build);
    }

    public bool TryRemove(string? name) => _cache.TryRemove(name ?? Options.DefaultName, out _);

    public void Clear() => _cache.Clear();

    /// <summary>One build; a failed one keeps its exception (Lazy's) until it is replaced.</summary>
    private sealed class Build(Func<OpenIddictServerOptions> create)
    {
        private long _failedAtTicks; // 0: not failed; read and written whole

        public Lazy<OpenIddictServerOptions> Options { get; } = new(create, LazyThreadSafetyMode.ExecutionAndPublication);

        public DateTimeOffset? FailedAt => Interlocked.Read(ref _failedAtTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

        public void Failed(DateTimeOffset now) => Interlocked.CompareExchange(ref _failedAtTicks, now.UtcTicks, 0);
    }
}
