using Imprivata.Core.Eam;
using Imprivata.Storage.Eam;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Eam;

public sealed class TableEamStoresTests
{
    private readonly TableSet _tables = new(Azurite.NewTables());

    [Fact]
    public async Task Profile_RoundTrip_ListDelete()
    {
        var store = new TableEamProfileStore(_tables);
        var profile = new EamProfile
        {
            ClientId = "eam/1", AdminName = "Entra", DisplayName = "Contoso", TenantIds = ["0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e"],
            RedirectUris = [EntraCloud.Public.RedirectUri, EntraCloud.China.RedirectUri], AppId = "4d3c2b1a-0f9e-4d8c-b7a6-95847362514f",
            MatchByUsername = true, CreatedAt = DateTimeOffset.UnixEpoch,
        };

        await store.SaveAsync(profile, default);
        var found = await store.FindAsync("eam/1", default);

        Assert.Equal(profile.TenantIds, found!.TenantIds);
        Assert.Equal(profile.RedirectUris, found.RedirectUris);
        Assert.Equal((profile.AppId, true, profile.CreatedAt), (found.AppId, found.MatchByUsername, found.CreatedAt));
        Assert.Single(await store.ListAsync(default).ToListAsync());
        Assert.True(await store.DeleteAsync("eam/1", default));
        Assert.Null(await store.FindAsync("eam/1", default));
    }

    [Fact]
    public async Task UseOnce_OnlyTheFirstOfParallelCallersWins()
    {
        var store = new TableEamRequestStore(_tables);
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.TryUseOnceAsync("request-ABC", expires, default)));

        Assert.Equal(1, results.Count(r => r));
        Assert.True(await store.TryUseOnceAsync("request-DEF", expires, default));
    }

    [Fact]
    public async Task Request_RoundTrip_Delete_AndPurgeRemovesExpiredRequestsAndUsedKeys()
    {
        var store = new TableEamRequestStore(_tables);
        var now = DateTimeOffset.UtcNow;
        var request = new EamRequest
        {
            Id = "req-0123456789abcdef", ClientId = "eam/1", RedirectUri = EntraCloud.Public.RedirectUri, State = null, Nonce = "n",
            Subject = "pairwise", TenantId = "t", ObjectId = "o", UserId = "u", Claims = new EamClaimsRequest(["possession"], ["otp", "sms"]),
            CreatedAt = now, ExpiresAt = now.AddMinutes(10),
        };
        await store.SaveAsync(request, default);
        var found = await store.FindAsync(request.Id, default);
        Assert.Null(found!.State);
        Assert.Equal(request.Claims.Amr, found.Claims.Amr);
        Assert.Equal((request.Nonce, request.Subject, request.UserId), (found.Nonce, found.Subject, found.UserId));

        await store.SaveAsync(request with { Id = "req-expired-0000000", ExpiresAt = now.AddMinutes(-1) }, default);
        await store.TryUseOnceAsync("used-expired", now.AddMinutes(-1), default);
        await store.TryUseOnceAsync("used-live", now.AddMinutes(5), default);

        Assert.Equal(2, await store.PurgeExpiredAsync(now, default));
        Assert.NotNull(await store.FindAsync(request.Id, default));
        Assert.True(await store.TryUseOnceAsync("used-expired", now.AddMinutes(5), default));
        Assert.False(await store.TryUseOnceAsync("used-live", now.AddMinutes(5), default));
        await store.DeleteAsync(request.Id, default);
        Assert.Null(await store.FindAsync(request.Id, default));
    }

    [Fact]
    public async Task Link_FindByTenantAndObjectId_Unlink()
    {
        var store = new TableEntraUserLinkStore(_tables);

        await store.LinkAsync("tenant-a", "object/1", "user-1", default);

        Assert.Equal("user-1", await store.FindUserIdAsync("tenant-a", "object/1", default));
        Assert.Null(await store.FindUserIdAsync("tenant-b", "object/1", default));
        Assert.True(await store.UnlinkAsync("tenant-a", "object/1", default));
        Assert.Null(await store.FindUserIdAsync("tenant-a", "object/1", default));
    }
}
