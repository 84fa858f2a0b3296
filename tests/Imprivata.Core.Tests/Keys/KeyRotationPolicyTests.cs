using Imprivata.Core.Keys;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Core.Tests.Keys;

public class KeyRotationPolicyTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KeyRotationPolicy _policy = new(new KeyRingOptions()); // 90 d active, 48 h before, 15 d after

    /// <summary>
    /// Ring given as "id@activationHours" (created 48 h before activation unless activation is 0), now in hours after T0.
    /// </summary>
    [Theory]
    [InlineData("A@0", 0, "A", "A")]                                   // first key signs at once
    [InlineData("A@0", 2000, "A", "A")]                                // no successor: keeps signing
    [InlineData("A@0,B@2160", 2159, "A", "A,B")]                       // successor published, not yet signing
    [InlineData("A@0,B@2160", 2160, "B", "A,B")]                       // successor signs at its activation
    [InlineData("A@0,B@2160", 2160 + 359, "B", "A,B")]                 // replaced key inside its 15 d grace
    [InlineData("A@0,B@2160", 2160 + 360, "B", "B")]                   // grace over: gone from JWKS
    [InlineData("A@0,B@2160,C@4320", 4320, "C", "B,C")]                // A long gone, B in grace
    [InlineData("B@48", 1, "B", "B")]                                  // brand-new ring whose only key is not active yet
    [InlineData("B@100,A@100", 100, "B", "A,B")]                       // tie: the key id decides, the same on every instance
    public void FindActiveAndIsPublished_RingAtTime_MatchTable(string ring, int nowHours, string active, string published)
    {
        var keys = Parse(ring);
        var now = T0.AddHours(nowHours);

        Assert.Equal(active, _policy.FindActive(keys, now)!.KeyId);
        Assert.Equal(published, string.Join(",", keys.Where(k => _policy.IsPublished(k, keys, now)).Select(k => k.KeyId).Order()));
    }

    [Fact]
    public void Plan_EmptyRing_CreatesKeyActiveNow()
    {
        var plan = _policy.Plan([], T0);

        Assert.Equal(T0, plan.NewKeyActivatesAt);
        Assert.Empty(plan.Drop);
    }

    [Fact]
    public void Plan_ActiveKeyBeforeLifetimeMinusPrePublication_DoesNothing()
    {
        var plan = _policy.Plan(Parse("A@0"), T0.AddDays(90).AddHours(-48).AddSeconds(-1));

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Plan_ActiveKeyAtLifetimeMinusPrePublication_SchedulesSuccessorAtEndOfLifetime()
    {
        var plan = _policy.Plan(Parse("A@0"), T0.AddDays(90).AddHours(-48));

        Assert.Equal(T0.AddDays(90), plan.NewKeyActivatesAt);
    }

    [Fact]
    public void Plan_MaintenanceLate_SuccessorStillPublishedFullPrePublicationAhead()
    {
        var now = T0.AddDays(120);

        var plan = _policy.Plan(Parse("A@0"), now);

        Assert.Equal(now.AddHours(48), plan.NewKeyActivatesAt);
    }

    [Fact]
    public void Plan_SuccessorAlreadyScheduled_CreatesNoOther()
    {
        var plan = _policy.Plan(Parse("A@0,B@2160"), T0.AddDays(89));

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Plan_ReplacedKeyPastGrace_DropsIt()
    {
        var plan = _policy.Plan(Parse("A@0,B@2160"), T0.AddHours(2160 + 360));

        Assert.Equal(["A"], plan.Drop.Select(k => k.KeyId));
    }

    [Fact]
    public void Constructor_RefreshSlowerThanPrePublication_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new KeyRotationPolicy(new KeyRingOptions { CacheRefresh = TimeSpan.FromDays(3) }));
    }

    /// <summary>Two years of maintenance every 6 hours: the ring's invariants hold at every step.</summary>
    [Fact]
    public void Plan_AppliedOverTwoYears_KeepsOneActiveKeyPublishedInAdvanceAndAfter()
    {
        var time = new FakeTimeProvider(T0);
        var ring = new List<KeySchedule>();
        var firstSeen = new Dictionary<string, DateTimeOffset>();
        var lastSeen = new Dictionary<string, DateTimeOffset>();
        var retiredAt = new Dictionary<string, DateTimeOffset>();
        string? previousActive = null;
        for (var step = 0; step < 4 * 730; step++, time.Advance(TimeSpan.FromHours(6)))
        {
            var now = time.GetUtcNow();
            var plan = _policy.Plan(ring, now);
            if (plan.NewKeyActivatesAt is { } at)
                ring.Add(new KeySchedule("k" + firstSeen.Count.ToString("D3"), now, at));
            ring.RemoveAll(k => plan.Drop.Contains(k));

            var active = _policy.FindActive(ring, now)!;
            foreach (var key in ring.Where(k => _policy.IsPublished(k, ring, now)))
            {
                firstSeen.TryAdd(key.KeyId, now);
                lastSeen[key.KeyId] = now;
            }
            if (previousActive is not null && previousActive != active.KeyId)
                retiredAt[previousActive] = now;
            previousActive = active.KeyId;

            Assert.True(_policy.IsPublished(active, ring, now));
            if (active.KeyId != "k000")
                Assert.True(now - firstSeen[active.KeyId] >= TimeSpan.FromHours(48), $"{active.KeyId} signed before 48 h of publication");
        }
        Assert.True(ring.Count <= 3);
        Assert.True(firstSeen.Count >= 8);
        Assert.True(retiredAt.Count(r => ring.All(k => k.KeyId != r.Key)) >= 6);
        foreach (var (keyId, retired) in retiredAt.Where(r => ring.All(k => k.KeyId != r.Key)))
            Assert.True(lastSeen[keyId] - retired >= TimeSpan.FromDays(15) - TimeSpan.FromHours(6), $"{keyId} left JWKS too early");
    }

    private static List<KeySchedule> Parse(string ring) =>
        ring.Split(',').Select(item =>
        {
            var parts = item.Split('@');
            var activates = T0.AddHours(int.Parse(parts[1]));
            var created = parts[1] == "0" ? activates : activates.AddHours(-48);
            return new KeySchedule(parts[0], created, activates);
        }).ToList();
}
