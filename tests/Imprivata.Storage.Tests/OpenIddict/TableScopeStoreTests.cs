using Imprivata.Storage.OpenIddict;

namespace Imprivata.Storage.Tests.OpenIddict;

public sealed class TableScopeStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OidcTables _oidc = new();

    private async Task<TableScope> NewScopeAsync(string name, params string[] resources)
    {
        var scope = new TableScope { Name = name };
        await _oidc.Scopes.SetResourcesAsync(scope, [.. resources], Ct);
        await _oidc.Scopes.CreateAsync(scope, Ct);
        return scope;
    }

    [Fact]
    public async Task FindByNameAsync_AfterCreate_ReturnsScope()
    {
        var scope = await NewScopeAsync("api.read", "api");

        Assert.Equal(scope.Id, (await _oidc.Scopes.FindByNameAsync("api.read", Ct))?.Id);
        Assert.Equal(scope.Id, (await _oidc.Scopes.FindByIdAsync(scope.Id!, Ct))?.Id);
    }

    [Fact]
    public async Task FindByNamesAsync_SomeUnknown_ReturnsKnownOnes()
    {
        await NewScopeAsync("a");
        await NewScopeAsync("b");

        var found = await _oidc.Scopes.FindByNamesAsync(["a", "b", "nope"], Ct).Select(s => s.Name).ToListAsync();

        Assert.Equal(["a", "b"], found.Order());
    }

    [Fact]
    public async Task FindByResourceAsync_ResourceRemovedByUpdate_FindsNothing()
    {
        var scope = await NewScopeAsync("a", "api1");
        Assert.Single(await _oidc.Scopes.FindByResourceAsync("api1", Ct).ToListAsync());

        await _oidc.Scopes.SetResourcesAsync(scope, ["api2"], Ct);
        await _oidc.Scopes.UpdateAsync(scope, Ct);

        Assert.Empty(await _oidc.Scopes.FindByResourceAsync("api1", Ct).ToListAsync());
        Assert.Single(await _oidc.Scopes.FindByResourceAsync("api2", Ct).ToListAsync());
    }

    [Fact]
    public async Task DeleteAsync_Scope_IsGoneByName()
    {
        var scope = await NewScopeAsync("a");

        await _oidc.Scopes.DeleteAsync(scope, Ct);

        Assert.Null(await _oidc.Scopes.FindByNameAsync("a", Ct));
    }
}
