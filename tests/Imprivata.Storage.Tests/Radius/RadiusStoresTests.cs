using System.Text;
using Azure.Data.Tables;
using Imprivata.Core.Mfa;
using Imprivata.Core.Radius;
using Imprivata.Storage.Radius;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Radius;

/// <summary>The RADIUS stores on Azurite: profiles round-trip whole, and every state row changes only under its ETag.</summary>
public sealed class RadiusStoresTests
{
    private readonly TableSet _tables = new(Azurite.NewTables());
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private const string CurrentSecret = "Wq3vNf8TzL1pRk6YbH2sXc9D";
    private const string PreviousSecret = "previous-shared-secret-0042";

    private TableRadiusClientStore NewClientStore() => new(_tables, new TableSecretProtector(new SecretKeys(_tables)), _time);

    [Fact]
    public async Task Clients_RoundTripWhole_FoundInAnyCase_ListSortedAndRefreshedBySaveAndDelete()
    {
        var store = NewClientStore();
        var profile = new RadiusClientProfile
        {
            Name = "VPN West", Type = "Cisco ASA", Enabled = false, NasAddresses = ["10.0.0.0/24", "192.0.2.7"], FirstFactor = FirstFactorMode.Ldap,
            PushTimeout = TimeSpan.FromSeconds(20), Challenges = false, NonLicensedAccess = true,
            Secrets = [CurrentSecret, PreviousSecret], LdapProfile = "corp", RequireMessageAuthenticator = false, LimitProxyState = false,
            GroupAttributes = [new RadiusGroupAttributes { Group = "CN=VPN", Attributes = [new("Filter-Id", "acl"), new("Class", "0x01")] }],
        };

        Assert.Empty(await store.ListAsync(default));
        await store.SaveAsync(profile, default);
        await store.SaveAsync(new RadiusClientProfile { Name = "asa-east" }, default);
        var found = await store.FindAsync("vpn west", default);

        Assert.NotNull(found);
        Assert.Equal(profile.NasAddresses, found.NasAddresses);
        Assert.Equal(profile.GroupAttributes.Single().Attributes, found.GroupAttributes.Single().Attributes);
        Assert.Equal(profile.Secrets, found.Secrets);
        Assert.Equal(profile with { NasAddresses = found.NasAddresses, GroupAttributes = found.GroupAttributes, Secrets = found.Secrets }, found);
        Assert.Equal(["asa-east", "VPN West"], (await store.ListAsync(default)).Select(p => p.Name));
        Assert.True(await store.DeleteAsync("VPN WEST", default));
        Assert.False(await store.DeleteAsync("VPN WEST", default));
        Assert.Null(await store.FindAsync("VPN West", default));
    }

    [Fact]
    public async Task Clients_SecretsSealedAtRest_BoundToTheirRow()
    {
        var store = NewClientStore();
        await store.SaveAsync(new RadiusClientProfile { Name = "vpn-a", Secrets = [CurrentSecret, PreviousSecret] }, default);
        await store.SaveAsync(new RadiusClientProfile { Name = "vpn-b", Secrets = [PreviousSecret] }, default);
        var table = await _tables.GetAsync("RadiusClients", default);
        var a = (await table.GetEntityAsync<TableEntity>("client", "vpn-a")).Value;

        var raw = string.Join("\n", a.Select(p => p.Value is byte[] b ? Encoding.Latin1.GetString(b) : p.Value?.ToString()));
        Assert.DoesNotContain(CurrentSecret, raw);
        Assert.DoesNotContain(PreviousSecret, raw);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(CurrentSecret))[..20], raw);
        Assert.Contains("vpn-a", a.GetString("Json"));

        // A sealed column copied onto another client's row does not open there: that client has no secret, not another's.
        var b = (await table.GetEntityAsync<TableEntity>("client", "vpn-b")).Value;
        b["Secrets"] = a.GetBinary("Secrets");
        await table.UpdateEntityAsync(b, Azure.ETag.All, TableUpdateMode.Replace);
        var fresh = NewClientStore();
        Assert.Equal([CurrentSecret, PreviousSecret], (await fresh.FindAsync("VPN-A", default))!.Secrets);
        Assert.Empty((await fresh.FindAsync("vpn-b", default))!.Secrets);
    }

    [Fact]
    public async Task Exchanges_FirstInsertOwns_UpdateOnlyUnderTheReadVersion_PurgedByAge()
    {
        var store = new TableRadiusExchangeStore(_tables);
        var now = DateTimeOffset.UtcNow;
        var owned = await store.TryAddAsync(new RadiusExchange { Key = "k/1", OwnerRequestId = "a", CreatedAt = now.AddDays(-2) }, default);

        var second = await store.TryAddAsync(new RadiusExchange { Key = "k/1", OwnerRequestId = "b", CreatedAt = now }, default);
        var decided = await store.TryUpdateAsync(owned! with { Outcome = RadiusOutcome.Reject("bad_credentials") }, default);
        var stale = await store.TryUpdateAsync(owned with { Outcome = RadiusOutcome.Accept("ok", [], null, null) }, default);

        Assert.Null(second);
        Assert.NotNull(decided);
        Assert.Null(stale);
        Assert.Equal((RadiusOutcomeKind.Reject, "bad_credentials", "a"), ((await store.FindAsync("k/1", default))!.Outcome!.Kind, (await store.FindAsync("k/1", default))!.Outcome!.Reason, (await store.FindAsync("k/1", default))!.OwnerRequestId));
        Assert.Equal(1, await store.PurgeAsync(now.AddDays(-1), default));
        Assert.Null(await store.FindAsync("k/1", default));
    }

    [Fact]
    public async Task Challenges_UsedOnce_PurgedWhenExpired()
    {
        var store = new TableRadiusChallengeStore(_tables);
        var now = DateTimeOffset.UtcNow;
        var challenge = new RadiusChallenge
        {
            Id = "abc_-1", UserId = "u1", Username = "nemo", ClientName = "vpn", NasAddress = "10.0.0.5", Kind = RadiusChallengeKind.Code,
            Factors = [Factor.Sms], Attributes = [new("Filter-Id", "x")], CreatedAt = now, ExpiresAt = now.AddMinutes(3),
        };
        await store.AddAsync(challenge, default);

        var read = await store.FindAsync("abc_-1", default);
        var first = await store.TryUseAsync(read!, now, default);
        var second = await store.TryUseAsync(read!, now, default);

        Assert.Equal((challenge with { Version = read!.Version }), read with { Factors = challenge.Factors, Attributes = challenge.Attributes });
        Assert.True(first);
        Assert.False(second);
        Assert.NotNull((await store.FindAsync("abc_-1", default))!.UsedAt);
        Assert.Equal(0, await store.PurgeAsync(now, default));
        Assert.Equal(1, await store.PurgeAsync(now.AddMinutes(4), default));
    }

    [Fact]
    public async Task PushWaits_InsertOnce_ReplaceUnderVersion_FoundByChallengeInTheUsersPartitionOnly()
    {
        var store = new TableRadiusPushWaitStore(_tables);
        var now = DateTimeOffset.UtcNow;
        RadiusPushWait Wait(string user, string nas) => new()
        {
            UserId = user, NasAddress = nas, Username = user, ClientName = "vpn", UpdatedAt = now, ExpiresAt = now.AddSeconds(30),
            State = RadiusPushWaitState.Pending, ChallengeId = "c1", Waiters = [new RadiusReplyTo("edge-a", "r1")],
        };

        var saved = await store.TrySaveAsync(Wait("u1", "10.0.0.5"), default);
        var twice = await store.TrySaveAsync(Wait("u1", "10.0.0.5"), default);
        await store.TrySaveAsync(Wait("u2", "10.0.0.5"), default);
        var joined = await store.TrySaveAsync(saved! with { Waiters = [.. saved.Waiters, new RadiusReplyTo("edge-b", "r2")] }, default);
        var stale = await store.TrySaveAsync(saved with { State = RadiusPushWaitState.Failed }, default);

        Assert.NotNull(saved);
        Assert.Null(twice);
        Assert.NotNull(joined);
        Assert.Null(stale);
        var found = Assert.Single(await store.FindByChallengeAsync("u1", "c1", default));
        Assert.Equal([new RadiusReplyTo("edge-a", "r1"), new RadiusReplyTo("edge-b", "r2")], found.Waiters);
        Assert.Empty(await store.FindByChallengeAsync("u1", "c2", default));
        Assert.Equal(2, await store.PurgeAsync(now.AddSeconds(1), default));
    }
}
