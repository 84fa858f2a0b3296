using Imprivata.Storage.OpenIddict;
using static OpenIddict.Abstractions.OpenIddictExceptions;

namespace Imprivata.Storage.Tests.OpenIddict;

public sealed class TableAuthorizationStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OidcTables _oidc = new();

    [Fact]
    public async Task FindByIdAsync_AfterCreateAndUpdate_ReturnsUpdatedValues()
    {
        var authorization = await _oidc.NewAuthorizationAsync(scopes: """["openid"]""");
        authorization.Status = "revoked";
        await _oidc.Authorizations.UpdateAsync(authorization, Ct);

        var found = await _oidc.Authorizations.FindByIdAsync(authorization.Id!, Ct);

        Assert.Equal(("alice", "app1", "revoked", "ad-hoc"), (found!.Subject, found.ApplicationId, found.Status, found.Type));
        Assert.Equal(["openid"], (await _oidc.Authorizations.GetScopesAsync(found, Ct)).ToArray());
    }

    [Fact]
    public async Task UpdateAsync_StaleEntity_ThrowsConcurrencyException()
    {
        var authorization = await _oidc.NewAuthorizationAsync();
        var stale = (await _oidc.Authorizations.FindByIdAsync(authorization.Id!, Ct))!;
        authorization.Status = "revoked";
        await _oidc.Authorizations.UpdateAsync(authorization, Ct);

        await Assert.ThrowsAsync<ConcurrencyException>(() => _oidc.Authorizations.UpdateAsync(stale, Ct).AsTask());
    }

    [Fact]
    public async Task DeleteAsync_AuthorizationWithTokens_RemovesItAndItsTokens()
    {
        var authorization = await _oidc.NewAuthorizationAsync();
        var token = await _oidc.NewTokenAsync(authorizationId: authorization.Id);

        await _oidc.Authorizations.DeleteAsync(authorization, Ct);

        Assert.Null(await _oidc.Authorizations.FindByIdAsync(authorization.Id!, Ct));
        Assert.Null(await _oidc.Tokens.FindByIdAsync(token.Id!, Ct));
    }

    [Fact]
    public async Task FindAsync_SubjectClientAndScopes_ReturnsOnlyMatchingAuthorizations()
    {
        var wide = await _oidc.NewAuthorizationAsync(scopes: """["openid","profile"]""");
        await _oidc.NewAuthorizationAsync(scopes: """["openid"]""");
        await _oidc.NewAuthorizationAsync(applicationId: "app2", scopes: """["openid","profile"]""");
        await _oidc.NewAuthorizationAsync(subject: "bob", scopes: """["openid","profile"]""");

        var found = await _oidc.Authorizations.FindAsync("alice", "app1", "valid", null, ["profile"], Ct).ToListAsync();

        Assert.Equal([wide.Id], found.Select(a => a.Id));
    }

    [Fact]
    public async Task FindAsync_SubjectWhoseClientChanged_FollowsTheChange()
    {
        var authorization = await _oidc.NewAuthorizationAsync(applicationId: "app1");
        authorization.ApplicationId = "app2";
        await _oidc.Authorizations.UpdateAsync(authorization, Ct);

        Assert.Empty(await _oidc.Authorizations.FindAsync("alice", "app1", null, null, null, Ct).ToListAsync());
        Assert.Single(await _oidc.Authorizations.FindAsync("alice", "app2", null, null, null, Ct).ToListAsync());
        Assert.Single(await _oidc.Authorizations.FindByApplicationIdAsync("app2", Ct).ToListAsync());
    }

    [Fact]
    public async Task RevokeBySubjectAsync_Subject_RevokesOnlyThatSubjectsAuthorizations()
    {
        var alice = await _oidc.NewAuthorizationAsync(subject: "alice");
        var bob = await _oidc.NewAuthorizationAsync(subject: "bob");

        Assert.Equal(1, await _oidc.Authorizations.RevokeBySubjectAsync("alice", Ct));

        Assert.Equal("revoked", (await _oidc.Authorizations.FindByIdAsync(alice.Id!, Ct))!.Status);
        Assert.Equal("valid", (await _oidc.Authorizations.FindByIdAsync(bob.Id!, Ct))!.Status);
    }

    [Fact]
    public async Task RevokeByApplicationIdAsync_Client_RevokesOnlyThatClientsAuthorizations()
    {
        var mine = await _oidc.NewAuthorizationAsync(applicationId: "app1");
        var other = await _oidc.NewAuthorizationAsync(applicationId: "app2");

        await _oidc.Authorizations.RevokeByApplicationIdAsync("app1", Ct);

        Assert.Equal("revoked", (await _oidc.Authorizations.FindByIdAsync(mine.Id!, Ct))!.Status);
        Assert.Equal("valid", (await _oidc.Authorizations.FindByIdAsync(other.Id!, Ct))!.Status);
    }

    [Fact]
    public async Task PruneAsync_OldAuthorizations_RemovesInvalidAndTokenlessAdHocKeepsTheRest()
    {
        var old = OidcTables.Now.AddDays(-20);
        var threshold = OidcTables.Now.AddDays(-14);
        var revoked = await _oidc.NewAuthorizationAsync(status: "revoked", created: old);
        var adHocWithoutTokens = await _oidc.NewAuthorizationAsync(created: old);
        var adHocWithToken = await _oidc.NewAuthorizationAsync(created: old);
        await _oidc.NewTokenAsync(authorizationId: adHocWithToken.Id, created: old, expires: OidcTables.Now.AddDays(30));
        var permanent = await _oidc.NewAuthorizationAsync(type: "permanent", created: old);
        var recentRevoked = await _oidc.NewAuthorizationAsync(status: "revoked", created: OidcTables.Now);

        var removed = await _oidc.Authorizations.PruneAsync(threshold, Ct);

        Assert.Equal(2, removed);
        Assert.Null(await _oidc.Authorizations.FindByIdAsync(revoked.Id!, Ct));
        Assert.Null(await _oidc.Authorizations.FindByIdAsync(adHocWithoutTokens.Id!, Ct));
        Assert.NotNull(await _oidc.Authorizations.FindByIdAsync(adHocWithToken.Id!, Ct));
        Assert.NotNull(await _oidc.Authorizations.FindByIdAsync(permanent.Id!, Ct));
        Assert.NotNull(await _oidc.Authorizations.FindByIdAsync(recentRevoked.Id!, Ct));
    }
}
