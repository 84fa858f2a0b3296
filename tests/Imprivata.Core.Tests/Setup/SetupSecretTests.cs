using Imprivata.Core.Setup;

namespace Imprivata.Core.Tests.Setup;

public sealed class SetupSecretTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true, null, null, true)]
    [InlineData(true, null, 1, true)]
    [InlineData(true, null, 0, false)]
    [InlineData(true, null, -1, false)]
    [InlineData(true, 1, null, false)]
    [InlineData(true, 0, null, true)]
    [InlineData(false, null, null, false)]
    public void UsableAt_HonoursEnabledNotBeforeAndExpiry(bool enabled, int? notBeforeSeconds, int? expiresSeconds, bool usable)
    {
        var secret = new SetupSecret("v", "1", enabled, notBeforeSeconds is { } n ? Now.AddSeconds(n) : null,
            expiresSeconds is { } e ? Now.AddSeconds(e) : null);

        Assert.Equal(usable, secret.UsableAt(Now));
    }

    [Fact]
    public async Task ASetting_IsASecretWhoseVersionFollowsItsValue_AndNoSettingIsNone()
    {
        var a = await new ConfiguredSetupSecret(" first ").ReadAsync(CancellationToken.None);
        var b = await new ConfiguredSetupSecret("second").ReadAsync(CancellationToken.None);

        Assert.Equal("first", a!.Value);
        Assert.NotEqual(a.Version, b!.Version);
        Assert.Equal(a.Version, (await new ConfiguredSetupSecret("first").ReadAsync(CancellationToken.None))!.Version);
        Assert.False(new ConfiguredSetupSecret("  ").Configured);
        Assert.Null(await new ConfiguredSetupSecret(null).ReadAsync(CancellationToken.None));
    }
}
