using System.Net;
using Imprivata.RadiusEdge.Handling;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Handling;

public class DuplicateCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(120);
    private readonly FakeTimeProvider _time = new();

    private static RequestKey Key(int port = 5000, byte id = 1, ulong authenticator = 42) =>
        new(IPAddress.Loopback, port, id, authenticator);

    [Fact]
    public void Begin_SameKeyWhilePending_IsInProgress()
    {
        var cache = new DuplicateCache(_time, 10, Lifetime);

        Assert.Equal(DuplicateStatus.New, cache.Begin(Key(), MaxHold).Status);
        Assert.Equal(DuplicateStatus.InProgress, cache.Begin(Key(), MaxHold).Status);
    }

    [Fact]
    public void Begin_AfterReply_ReturnsTheSameReplyBytes()
    {
        var cache = new DuplicateCache(_time, 10, Lifetime);
        var reply = new byte[] { 2, 1, 0, 20 };
        cache.Begin(Key(), MaxHold);
        cache.Complete(Key(), reply);

        var lookup = cache.Begin(Key(), MaxHold);

        Assert.Equal(DuplicateStatus.Replied, lookup.Status);
        Assert.Same(reply, lookup.Reply);
    }

    [Fact]
    public void Begin_OtherPortOrAuthenticatorOrIdentifier_IsNew()
    {
        var cache = new DuplicateCache(_time, 10, Lifetime);
        cache.Begin(Key(), MaxHold);

        Assert.Equal(DuplicateStatus.New, cache.Begin(Key(port: 5001), MaxHold).Status);
        Assert.Equal(DuplicateStatus.New, cache.Begin(Key(authenticator: 43), MaxHold).Status);
        Assert.Equal(DuplicateStatus.New, cache.Begin(Key(id: 2), MaxHold).Status);
    }

    [Fact]
    public void Begin_AfterNoAnswer_StaysUnanswered()
    {
        var cache = new DuplicateCache(_time, 10, Lifetime);
        cache.Begin(Key(), MaxHold);
        cache.Complete(Key(), null);

        Assert.Equal(DuplicateStatus.Unanswered, cache.Begin(Key(), MaxHold).Status);
    }

    [Fact]
    public void Begin_LifetimeAfterCompletionPassed_IsNewAgain()
    {
        var cache = new DuplicateCache(_time, 10, Lifetime);
        cache.Begin(Key(), MaxHold);
        _time.Advance(TimeSpan.FromSeconds(100)); // a long hold: the entry must survive it
        cache.Complete(Key(), [1]);
        _time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(DuplicateStatus.Replied, cache.Begin(Key(), MaxHold).Status);

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(DuplicateStatus.New, cache.Begin(Key(), MaxHold).Status);
    }

    [Fact]
    public void Begin_CacheFullOfLiveEntries_RefusesRatherThanEvicting()
    {
        var cache = new DuplicateCache(_time, 2, Lifetime);
        cache.Begin(Key(id: 1), MaxHold);
        cache.Begin(Key(id: 2), MaxHold);

        Assert.Equal(DuplicateStatus.Full, cache.Begin(Key(id: 3), MaxHold).Status);
        Assert.Equal(DuplicateStatus.InProgress, cache.Begin(Key(id: 1), MaxHold).Status);
    }

    [Fact]
    public void Forget_PendingRequest_LetsTheRetransmissionThrough()
    {
        var cache = new DuplicateCache(_time, 10, Lifetime);
        cache.Begin(Key(), MaxHold);

        cache.Forget(Key());

        Assert.Equal(DuplicateStatus.New, cache.Begin(Key(), MaxHold).Status);
    }
}
