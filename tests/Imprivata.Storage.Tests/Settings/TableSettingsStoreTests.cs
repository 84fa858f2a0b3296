using Imprivata.Core.Settings;
using Imprivata.Storage.Settings;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Settings;

public sealed class TableSettingsStoreTests
{
    private readonly TableSettingsStore _store = new(new TableSet(Azurite.NewTables()), TimeProvider.System);

    [Fact]
    public async Task GetWebLogin_NothingSaved_ReturnsDefaults()
    {
        var settings = await _store.GetWebLoginAsync(default);
        Assert.Equal(TimeSpan.FromHours(2), settings.SessionTimeout);
        Assert.Null(settings.Logo);
    }

    [Fact]
    public async Task SaveWebLogin_LogoLargerThanOneProperty_RoundTrips()
    {
        var logo = new byte[250 * 1024];
        Random.Shared.NextBytes(logo);
        await _store.SaveWebLoginAsync(new WebLoginSettings { BackgroundColor = "#112233", Logo = logo, LogoContentType = "image/png", SessionTimeout = null }, default);
        var settings = await _store.GetWebLoginAsync(default);
        Assert.Equal(logo, settings.Logo);
        Assert.Equal("image/png", settings.LogoContentType);
        Assert.Equal("#112233", settings.BackgroundColor);
        Assert.Null(settings.SessionTimeout);
    }

    [Fact]
    public async Task SaveWebLogin_SmallerLogoAfterLarger_DropsOldChunks()
    {
        await _store.SaveWebLoginAsync(new WebLoginSettings { Logo = new byte[200_000], LogoContentType = "image/gif" }, default);
        await _store.SaveWebLoginAsync(new WebLoginSettings { Logo = [1, 2, 3], LogoContentType = "image/gif", SessionTimeout = TimeSpan.FromMinutes(45) }, default);
        var settings = await _store.GetWebLoginAsync(default);
        Assert.Equal([1, 2, 3], settings.Logo);
        Assert.Equal(TimeSpan.FromMinutes(45), settings.SessionTimeout);
    }
}
