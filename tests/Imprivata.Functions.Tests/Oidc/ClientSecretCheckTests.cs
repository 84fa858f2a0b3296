
namespace Imprivata.Functions.Tests.Oidc;

/// <summary>The remembered secret check (TableApplicationManager) must never turn a wrong secret into a right one.</summary>
public sealed class ClientSecretCheckTests
{
    [Fact]
    public async Task TokenRequest_WrongSecretAfterRightOne_Rejected()
    {
        await using var svc = await TestService.StartAsync();
        await svc.AddUserAsync("cs.user", "Correct-Horse-9");
        var redirect = new Uri("https://rp.example.org/cb");
        var secret = await svc.AddOidcAppAsync("cs-client", [redirect]);
        var target = new OidcTarget("ours", new Uri(svc.Issuer), "cs-client", secret, redirect, "cs.user", "Correct-Horse-9");
        using var driver = await OidcDriver.ConnectAsync(target, concurrency: 1);
        using var impostor = await OidcDriver.ConnectAsync(target with { ClientSecret = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A') }, concurrency: 1);
        var browser = await driver.EstablishSessionAsync();
        await driver.RedeemAsync(await driver.AuthorizeAsync(browser, signIn: false)); // the right secret, now remembered

        var code = await driver.AuthorizeAsync(browser, signIn: false);
        var rejected = await Assert.ThrowsAsync<InvalidOperationException>(() => impostor.RedeemAsync(code));

        Assert.Contains("401", rejected.Message, StringComparison.Ordinal);
    }
}
