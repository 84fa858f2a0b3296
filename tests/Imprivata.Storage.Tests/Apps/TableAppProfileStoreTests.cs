using Imprivata.Core.Apps;
using Imprivata.Storage.Apps;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Apps;

public sealed class TableAppProfileStoreTests
{
    private readonly TableAppProfileStore _store = new(new TableSet(Azurite.NewTables()), TimeProvider.System);

    [Fact]
    public async Task Save_RoundTrip_KeepsDeployment()
    {
        var profile = new AppProfile
        {
            ClientId = "qlik/1", Protocol = AppProtocols.OpenIdConnect, AdminName = "Qlik (admin)", DisplayName = "Qlik",
            CreatedAt = DateTimeOffset.UnixEpoch,
            Deployment = new AppDeployment { Deployed = true, Domains = ["corp"], OrganizationalUnits = ["Clinical"], GroupIds = ["g"], UserIds = ["u"] },
        };
        await _store.SaveAsync(profile, default);
        var found = await _store.FindAsync("qlik/1", default);
        Assert.NotNull(found);
        Assert.Equal(profile with { Deployment = null! }, found! with { Deployment = null! });
        Assert.Equal(["corp"], found.Deployment.Domains);
        Assert.Equal(["Clinical"], found.Deployment.OrganizationalUnits);
        Assert.True(found.Deployment.Deployed);
        Assert.Single(await _store.ListAsync(default).ToListAsync());
        Assert.True(await _store.DeleteAsync("qlik/1", default));
        Assert.False(await _store.DeleteAsync("qlik/1", default));
        Assert.Null(await _store.FindAsync("qlik/1", default));
    }
}
