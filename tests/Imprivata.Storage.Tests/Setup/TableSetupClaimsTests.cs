using Imprivata.Storage.Setup;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Setup;

public sealed class TableSetupClaimsTests
{
    private readonly TableSetupClaims _claims = new(new TableSet(Azurite.NewTables()), TimeProvider.System);

    [Fact]
    public async Task TryClaim_OnlyOneOfConcurrentClaimsOfAVersionWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _claims.TryClaimAsync("v1", CancellationToken.None)));

        Assert.Single(results, r => r);
        Assert.True(await _claims.IsClaimedAsync("v1", CancellationToken.None));
        Assert.False(await _claims.IsClaimedAsync("v2", CancellationToken.None));
        Assert.True(await _claims.TryClaimAsync("v2", CancellationToken.None));
    }

    [Fact]
    public async Task Release_GivesTheClaimBack()
    {
        Assert.True(await _claims.TryClaimAsync("v1", CancellationToken.None));
        await _claims.ReleaseAsync("v1", CancellationToken.None);

        Assert.False(await _claims.IsClaimedAsync("v1", CancellationToken.None));
        Assert.True(await _claims.TryClaimAsync("v1", CancellationToken.None));
    }
}
