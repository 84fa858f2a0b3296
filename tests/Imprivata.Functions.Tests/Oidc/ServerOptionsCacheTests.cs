using Imprivata.Functions.Oidc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Server;

namespace Imprivata.Functions.Tests.Oidc;

/// <summary>
/// OpenIddict's options fail to build while a key cannot be read; .NET's own cache would keep that failure until a restart.
/// </summary>
public sealed class ServerOptionsCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private int _builds;
    private bool _keysReadable;

    private OpenIddictServerOptions BuildOptions()
    {
        _builds++;
        return _keysReadable ? new OpenIddictServerOptions() : throw new InvalidOperationException("vault unreachable");
    }

    [Fact]
    public void AFailedBuild_FailsFastForAMoment_ThenIsBuiltAgain_AndKeptOnceBuilt()
    {
        var cache = new ServerOptionsCache(_time);

        Assert.Throws<InvalidOperationException>(() => cache.GetOrAdd(null, BuildOptions));
        _keysReadable = true;
        Assert.Throws<InvalidOperationException>(() => cache.GetOrAdd(null, BuildOptions)); // within RetryAfter: no new build
        var buildsWhileHeld = _builds;
        _time.Advance(ServerOptionsCache.RetryAfter);
        var built = cache.GetOrAdd(null, BuildOptions);
        var again = cache.GetOrAdd(Options.DefaultName, BuildOptions);

        Assert.Equal(1, buildsWhileHeld);
        Assert.Same(built, again);
        Assert.Equal(2, _builds);
    }

    [Fact]
    public void AChangeOfTheKeyRing_RemovesTheOptions_AndTheNextRequestBuildsThem()
    {
        _keysReadable = true;
        var cache = new ServerOptionsCache(_time);
        var first = cache.GetOrAdd(null, BuildOptions);

        Assert.True(cache.TryRemove(null)); // what OptionsMonitor does when KeyRingOptionsRefresh signals a change
        var second = cache.GetOrAdd(null, BuildOptions);

        Assert.NotSame(first, second);
        Assert.Equal(2, _builds);
    }

    [Fact]
    public async Task ConcurrentRequests_ShareOneBuild()
    {
        _keysReadable = true;
        var cache = new ServerOptionsCache(_time);
        using var gate = new ManualResetEventSlim();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            gate.Wait();
            return cache.GetOrAdd(null, BuildOptions);
        })).Append(Task.Run(() =>
        {
            gate.Set();
            return cache.GetOrAdd(null, BuildOptions);
        })));

        Assert.Single(results.Distinct());
        Assert.Equal(1, _builds);
    }
}
