using Imprivata.Storage.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Caching;

/// <summary>
/// The cache's one promise about concurrency: a value read before an invalidation of its key is never stored after it.
/// Invalidations of other keys no longer turn stores away (they did while the generation was one for the whole cache).
/// </summary>
public sealed class ShortLivedCacheTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly ShortLivedCache<string, int> _cache;

    public ShortLivedCacheTests() => _cache = new(_time, TimeSpan.FromSeconds(5), capacity: 1000);

    private static string KeyInAnotherStripeThan(string key) =>
        Enumerable.Range(0, 1000).Select(i => "other-" + i).First(k => ShortLivedCache<string, int>.StripeOf(k) != ShortLivedCache<string, int>.StripeOf(key));

    private static string KeyInTheSameStripeAs(string key) =>
        Enumerable.Range(0, 10_000).Select(i => "same-" + i).First(k => ShortLivedCache<string, int>.StripeOf(k) == ShortLivedCache<string, int>.StripeOf(key));

    [Fact]
    public void Entries_live_their_lifetime_then_are_gone()
    {
        _cache.Set("a", 1, _cache.Generation);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(_cache.TryGet("a", out var value));
        Assert.Equal(1, value);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(_cache.TryGet("a", out _));
    }

    [Fact]
    public void A_value_read_before_its_key_was_invalidated_is_not_stored()
    {
        var generation = _cache.Generation; // the reader starts reading the source
        _cache.Remove("a");                 // a writer changes "a" meanwhile
        _cache.Set("a", 1, generation);     // the reader's value may be stale
        Assert.False(_cache.TryGet("a", out _));
    }

    [Fact]
    public void A_value_read_before_everything_was_cleared_is_not_stored()
    {
        var generation = _cache.Generation;
        _cache.Clear();
        _cache.Set("a", 1, generation);
        Assert.False(_cache.TryGet("a", out _));
    }

    [Fact]
    public void Invalidating_a_key_in_another_stripe_does_not_turn_the_store_away()
    {
        var generation = _cache.Generation;
        _cache.Remove(KeyInAnotherStripeThan("a"));
        _cache.Set("a", 1, generation);
        Assert.True(_cache.TryGet("a", out _));
    }

    [Fact]
    public void Invalidating_a_key_of_the_same_stripe_errs_on_the_safe_side()
    {
        var generation = _cache.Generation;
        _cache.Remove(KeyInTheSameStripeAs("a"));
        _cache.Set("a", 1, generation);
        Assert.False(_cache.TryGet("a", out _));
    }

    [Fact]
    public void A_value_read_after_the_invalidation_is_stored()
    {
        _cache.Remove("a");
        _cache.Set("a", 2, _cache.Generation);
        Assert.True(_cache.TryGet("a", out var value));
        Assert.Equal(2, value);
    }

    [Fact]
    public void A_taken_entry_is_handed_out_once()
    {
        _cache.Set("code", 7, _cache.Generation);
        Assert.True(_cache.TryTake("code", out var first));
        Assert.Equal(7, first);
        Assert.False(_cache.TryTake("code", out _));
    }

    [Fact]
    public async Task Racing_readers_and_writers_of_one_key_never_leave_a_value_older_than_the_last_write()
    {
        // Writers bump a version and invalidate; readers read the version, then store it. After the dust settles, whatever
        // is cached must be the last version written.
        var version = 0;
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                Interlocked.Increment(ref version);
                _cache.Remove("k");
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var generation = _cache.Generation;
                var read = Volatile.Read(ref version);
                _cache.Set("k", read, generation);
            }
        }));
        await Task.WhenAll(writers.Concat(readers));
        if (_cache.TryGet("k", out var cached))
            Assert.Equal(Volatile.Read(ref version), cached);
    }
}
