using System.Collections.Immutable;
using Imprivata.Storage.OpenIddict;
using static OpenIddict.Abstractions.OpenIddictExceptions;

namespace Imprivata.Storage.Tests.OpenIddict;

public sealed class TableApplicationStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OidcTables _oidc = new();

    private async Task<TableApplication> NewApplicationAsync(string clientId, params string[] redirectUris)
    {
        var application = new TableApplication { ClientId = clientId, DisplayName = clientId };
        await _oidc.Applications.SetRedirectUrisAsync(application, [.. redirectUris], Ct);
        await _oidc.Applications.SetPostLogoutRedirectUrisAsync(application, ["https://app.example/signed-out"], Ct);
        await _oidc.Applications.CreateAsync(application, Ct);
        return application;
    }

    [Fact]
    public async Task FindByClientIdAsync_AfterCreate_ReturnsApplication()
    {
        var application = await NewApplicationAsync("portal", "https://portal.example/cb");

        var found = await _oidc.Applications.FindByClientIdAsync("portal", Ct);

        Assert.Equal(application.Id, found?.Id);
        Assert.Equal(["https://portal.example/cb"], (await _oidc.Applications.GetRedirectUrisAsync(found!, Ct)).ToArray());
    }

    [Fact]
    public async Task FindByClientIdAsync_ClientIdChanged_OldClientIdFindsNothing()
    {
        var application = await NewApplicationAsync("before");
        application.ClientId = "after";
        await _oidc.Applications.UpdateAsync(application, Ct);

        Assert.Null(await _oidc.Applications.FindByClientIdAsync("before", Ct));
        Assert.Equal(application.Id, (await _oidc.Applications.FindByClientIdAsync("after", Ct))?.Id);
    }

    [Fact]
    public async Task FindByRedirectUriAsync_Uri_ReturnsEveryApplicationRegisteringIt()
    {
        var a = await NewApplicationAsync("a", "https://shared.example/cb?x=1#f", "https://a.example/cb");
        var b = await NewApplicationAsync("b", "https://shared.example/cb?x=1#f");
        await NewApplicationAsync("c", "https://c.example/cb");

        var found = await _oidc.Applications.FindByRedirectUriAsync("https://shared.example/cb?x=1#f", Ct).Select(x => x.Id).ToListAsync();

        Assert.Equal(new[] { a.Id, b.Id }.Order(), found.Order());
    }

    [Fact]
    public async Task FindByRedirectUriAsync_UriRemovedByUpdate_FindsNothing()
    {
        var application = await NewApplicationAsync("a", "https://old.example/cb");
        await _oidc.Applications.SetRedirectUrisAsync(application, ["https://new.example/cb"], Ct);
        await _oidc.Applications.UpdateAsync(application, Ct);

        Assert.Empty(await _oidc.Applications.FindByRedirectUriAsync("https://old.example/cb", Ct).ToListAsync());
        Assert.Single(await _oidc.Applications.FindByRedirectUriAsync("https://new.example/cb", Ct).ToListAsync());
    }

    [Fact]
    public async Task FindByPostLogoutRedirectUriAsync_Uri_ReturnsApplication()
    {
        var application = await NewApplicationAsync("a");

        var found = await _oidc.Applications.FindByPostLogoutRedirectUriAsync("https://app.example/signed-out", Ct).ToListAsync();

        Assert.Equal([application.Id], found.Select(x => x.Id));
    }

    [Fact]
    public async Task UpdateAsync_StaleEntity_ThrowsConcurrencyException()
    {
        var application = await NewApplicationAsync("a");
        var stale = (await _oidc.Applications.FindByIdAsync(application.Id!, Ct))!;
        application.DisplayName = "renamed";
        await _oidc.Applications.UpdateAsync(application, Ct);

        await Assert.ThrowsAsync<ConcurrencyException>(() => _oidc.Applications.UpdateAsync(stale, Ct).AsTask());
    }

    [Fact]
    public async Task DeleteAsync_Application_RemovesItItsLookupsAndItsTokens()
    {
        var application = await NewApplicationAsync("a", "https://a.example/cb");
        var token = await _oidc.NewTokenAsync(applicationId: application.Id!);
        var authorization = await _oidc.NewAuthorizationAsync(applicationId: application.Id!);

        await _oidc.Applications.DeleteAsync(application, Ct);

        Assert.Null(await _oidc.Applications.FindByIdAsync(application.Id!, Ct));
        Assert.Null(await _oidc.Applications.FindByClientIdAsync("a", Ct));
        Assert.Empty(await _oidc.Applications.FindByRedirectUriAsync("https://a.example/cb", Ct).ToListAsync());
        Assert.Null(await _oidc.Tokens.FindByIdAsync(token.Id!, Ct));
        Assert.Null(await _oidc.Authorizations.FindByIdAsync(authorization.Id!, Ct));
    }

    [Fact]
    public async Task ListAsync_QueryOverload_AppliesQueryInMemory()
    {
        await NewApplicationAsync("a");
        await NewApplicationAsync("b");

        var names = await _oidc.Applications.ListAsync((apps, _) => apps.Where(x => x.ClientId == "b").Select(x => x.DisplayName), 0, Ct).ToListAsync();

        Assert.Equal(["b"], names);
        Assert.Equal(2, await _oidc.Applications.CountAsync(Ct));
    }

    [Fact]
    public async Task GetSettingsAsync_AfterRoundTrip_ReturnsSettings()
    {
        var application = new TableApplication { ClientId = "s" };
        await _oidc.Applications.SetSettingsAsync(application, ImmutableDictionary<string, string>.Empty.Add("tkn_lft:act", "600"), Ct);
        await _oidc.Applications.CreateAsync(application, Ct);

        var found = (await _oidc.Applications.FindByClientIdAsync("s", Ct))!;

        Assert.Equal("600", (await _oidc.Applications.GetSettingsAsync(found, Ct))["tkn_lft:act"]);
    }

    [Fact]
    public async Task FindByClientIdAsync_DanglingIndexEntry_FindsNothing()
    {
        var application = await NewApplicationAsync("real");
        // An index row left behind (crash, lost race) pointing at an entity that does not carry this client id.
        await new EntityIndex(_oidc.Tables, ApplicationMap.Instance.IndexTableName).AddAsync([IndexEntry.Unique(ApplicationMap.ClientIdKind, "ghost")], application.Id!, Ct);

        Assert.Null(await _oidc.Applications.FindByClientIdAsync("ghost", Ct));
    }

    [Fact]
    public async Task FindByRedirectUriAsync_EntryPointingAtDeletedApplication_SkipsIt()
    {
        await new EntityIndex(_oidc.Tables, ApplicationMap.Instance.IndexTableName)
            .AddAsync([IndexEntry.Multi(ApplicationMap.RedirectUriKind, "https://a.example/cb", "deadbeef")], "deadbeef", Ct);
        var live = await NewApplicationAsync("a", "https://a.example/cb");

        var found = await _oidc.Applications.FindByRedirectUriAsync("https://a.example/cb", Ct).Select(x => x.Id).ToListAsync();

        Assert.Equal([live.Id], found);
    }

    [Fact]
    public async Task FindByClientIdAsync_UpdatedThroughStore_ReturnsNewValuesNotCachedOnes()
    {
        await NewApplicationAsync("cached", "https://cached.example/cb");
        var first = await _oidc.Applications.FindByClientIdAsync("cached", Ct);
        first!.DisplayName = "renamed";
        await _oidc.Applications.UpdateAsync(first, Ct);

        var again = await _oidc.Applications.FindByClientIdAsync("cached", Ct);

        Assert.Equal("renamed", again!.DisplayName);
        Assert.Equal(first.ConcurrencyToken, again.ConcurrencyToken);
    }

    [Fact]
    public async Task FindByClientIdAsync_CallerMutatesResult_CacheKeepsStoredValues()
    {
        await NewApplicationAsync("isolated", "https://isolated.example/cb");
        var first = await _oidc.Applications.FindByClientIdAsync("isolated", Ct);
        first!.ClientSecret = "tampered";

        var again = await _oidc.Applications.FindByClientIdAsync("isolated", Ct);

        Assert.Null(again!.ClientSecret);
        Assert.NotSame(first, again);
    }

    [Fact]
    public async Task FindByClientIdAsync_ChangedByAnotherInstance_SeenAfterCacheLifetime()
    {
        await NewApplicationAsync("shared", "https://shared.example/cb");
        await _oidc.Applications.FindByClientIdAsync("shared", Ct);
        var other = new TableApplicationStore(_oidc.Tables, _oidc.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<TableApplicationStore>.Instance);
        var theirs = await other.FindByClientIdAsync("shared", Ct);
        theirs!.DisplayName = "changed elsewhere";
        await other.UpdateAsync(theirs, Ct);

        var stale = await _oidc.Applications.FindByClientIdAsync("shared", Ct);
        _oidc.Time.Advance(TableApplicationStore.CacheLifetime);
        var fresh = await _oidc.Applications.FindByClientIdAsync("shared", Ct);

        Assert.Equal("shared", stale!.DisplayName);
        Assert.Equal("changed elsewhere", fresh!.DisplayName);
    }
}
