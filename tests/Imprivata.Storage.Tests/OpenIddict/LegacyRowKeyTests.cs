using Azure.Data.Tables;
using Imprivata.Storage.OpenIddict;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Imprivata.Storage.Tests.OpenIddict;

/// <summary>
/// Rows written before entity rows and unique index entries repeated their key as RowKey (empty RowKey then) stay
/// readable, changeable and removable where they are.
/// </summary>
public sealed class LegacyRowKeyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly OidcTables _oidc = new();

    [Fact]
    public async Task NewAuthorization_RowKeyRepeatsTheId()
    {
        var authorization = await _oidc.NewAuthorizationAsync();

        var table = await _oidc.Tables.GetAsync("OidcAuthorizations", Ct);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(authorization.Id!, authorization.Id!, cancellationToken: Ct);
        Assert.True(row.HasValue);
    }

    [Fact]
    public async Task LegacyAuthorization_IsFoundUpdatedInPlaceAndDeleted()
    {
        var table = await _oidc.Tables.GetAsync("OidcAuthorizations", Ct);
        var id = Guid.NewGuid().ToString("N");
        await table.AddEntityAsync(new TableEntity(id, "") { ["Subject"] = "alice", ["Status"] = Statuses.Valid, ["Type"] = AuthorizationTypes.AdHoc }, Ct);

        var found = await _oidc.Authorizations.FindByIdAsync(id, Ct);
        Assert.NotNull(found);
        Assert.Equal("alice", found.Subject);

        found.Status = Statuses.Revoked;
        await _oidc.Authorizations.UpdateAsync(found, Ct);
        Assert.Equal(Statuses.Revoked, (await table.GetEntityAsync<TableEntity>(id, "", cancellationToken: Ct)).Value.GetString("Status"));
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>(id, id, cancellationToken: Ct)).HasValue);

        await _oidc.Authorizations.DeleteAsync((await _oidc.Authorizations.FindByIdAsync(id, Ct))!, Ct);
        Assert.Null(await _oidc.Authorizations.FindByIdAsync(id, Ct));
    }

    [Fact]
    public async Task LegacyReferenceEntry_StillFindsItsToken()
    {
        var token = await _oidc.NewTokenAsync(authorizationId: "auth-legacy", referenceId: "ref-value");
        var index = await _oidc.Tables.GetAsync("OidcTokenIndex", Ct);
        var partition = IndexEntry.Partition(TokenMap.ReferenceKind, "ref-value");
        // Move the entry to where it used to be written.
        await index.DeleteEntityAsync(partition, partition, cancellationToken: Ct);
        await index.AddEntityAsync(new TableEntity(partition, "") { ["TargetId"] = token.Id }, Ct);

        var fresh = new TableTokenStore(_oidc.Tables, _oidc.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<TableTokenStore>.Instance);
        Assert.Equal(token.Id, (await fresh.FindByReferenceIdAsync("ref-value", Ct))?.Id);
    }
}
