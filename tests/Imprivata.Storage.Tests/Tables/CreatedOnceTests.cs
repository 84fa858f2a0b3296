using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Tables;

public sealed class CreatedOnceTests
{
    [Fact]
    public async Task GetAsync_CreationFailedOnce_NextCallerCreatesAgain()
    {
        var calls = 0;
        var created = new CreatedOnce<string>(name => ++calls == 1
            ? Task.FromException<string>(new IOException("storage is down"))
            : Task.FromResult(name + "#" + calls));

        await Assert.ThrowsAsync<IOException>(() => created.GetAsync("Users", CancellationToken.None));
        var value = await created.GetAsync("Users", CancellationToken.None);

        Assert.Equal("Users#2", value);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task GetAsync_Created_NeverCreatesAgain()
    {
        var calls = 0;
        var created = new CreatedOnce<int>(_ => Task.FromResult(Interlocked.Increment(ref calls)));

        for (var i = 0; i < 5; i++)
            Assert.Equal(1, await created.GetAsync("Users", CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetAsync_ConcurrentCallers_ShareOneAttempt()
    {
        var calls = 0;
        var gate = new TaskCompletionSource<int>();
        var created = new CreatedOnce<int>(_ =>
        {
            Interlocked.Increment(ref calls);
            return gate.Task;
        });

        var waiting = Enumerable.Range(0, 20).Select(_ => created.GetAsync("Users", CancellationToken.None)).ToList();
        gate.SetResult(7);

        Assert.All(await Task.WhenAll(waiting), v => Assert.Equal(7, v));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetAsync_CallerCancelled_AttemptGoesOnForOthers()
    {
        var gate = new TaskCompletionSource<int>();
        var created = new CreatedOnce<int>(_ => gate.Task);
        using var cancelled = new CancellationTokenSource();

        var first = created.GetAsync("Users", cancelled.Token);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        var second = created.GetAsync("Users", CancellationToken.None);
        gate.SetResult(3);

        Assert.Equal(3, await second);
        Assert.Equal(1, created.Count);
    }
}
