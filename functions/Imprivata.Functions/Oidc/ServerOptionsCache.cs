using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Imprivata.Functions.Oidc;

/// <summary>
/// OpenIddict's server options, kept only once built. Building them reads the signing keys and the token keys (Key Vault,
/// storage); .NET's own options cache keeps a failed build's exception for good, so a vault or storage account out of reach at
/// an instance's first request would fail every request until a restart. Here a failed build is tried again by the next one.
/// </summary>
internal sealed class ServerOptionsCache : IOptionsMonitorCache<OpenIddictServerOptions>
{
    private readonly ConcurrentDictionary<string, Lazy<OpenIddictServerOptions>> _cache = new(StringComparer.Ordinal);

    public OpenIddictServerOptions GetOrAdd(string? name, Func<OpenIddictServerOptions> createOptions)
    {
        name ??= Options.DefaultName;
        var built = _cache.GetOrAdd(name, _ => new Lazy<OpenIddictServerOptions>(createOptions, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return built.Value;
        }
        catch
        {
            // Requests already waiting on this build share its failure; the next one builds again.
            _cache.TryRemove(KeyValuePair.Create(name, built));
            throw;
        }
    }

    public bool TryAdd(string? name, OpenIddictServerOptions options) => _cache.TryAdd(name ?? Options.DefaultName, new Lazy<OpenIddictServerOptions>(options));

    public bool TryRemove(string? name) => _cache.TryRemove(name ?? Options.DefaultName, out _);

    public void Clear() => _cache.Clear();
}
