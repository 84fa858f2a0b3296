using Imprivata.Storage.Keys;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Keys;

public class RefreshingValueTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<Exception> _stale = [];
    private int _loads;
    private Exception? _failWith;

    private RefreshingValue<string> Create() => new(_ =>
    {
        _loads++;
        return _failWith is null ? Task.FromResult("v" + _loads) : Task.FromException<string>(_failWith);
    }, _time, TimeSpan.FromMinutes(5), _stale.Add);

    [Fact]
    public async Task GetAsync_WithinRefreshPeriod_DoesNotReload()
    {
        var value = Create();
        await value.GetAsync(default);
        _time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal("v1", await value.GetAsync(default));
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task GetAsync_AfterRefreshPeriod_Reloads()
    {
        var value = Create();
        await value.GetAsync(default);
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("v2", await value.GetAsync(default));
    }

    [Fact]
    public async Task GetAsync_ReloadFails_ServesPreviousValueAndRetriesAfterBackoff()
    {
        var value = Create();
        await value.GetAsync(default);
        _time.Advance(TimeSpan.FromMinutes(5));
        _failWith = new InvalidOperationException("storage down");

        Assert.Equal("v1", await value.GetAsync(default));
        Assert.Single(_stale);
        Assert.Equal("v1", await value.GetAsync(default)); // no retry storm
        Assert.Equal(2, _loads);

        _failWith = null;
        _time.Advance(RefreshingValue<string>.RetryAfterFailure);
        Assert.Equal("v3", await value.GetAsync(default));
    }

    [Fact]
    public async Task GetAsync_FirstLoadFails_Throws()
    {
        _failWith = new InvalidOperationException("storage down");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Create().GetAsync(default));
    }
}
