using Imprivata.Core.Radius;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprivata.EndToEnd;

/// <summary>Applications > Remote access in Chromium: a RADIUS client added through the form, its secret shown once, then listed.</summary>
[Collection("AdminConsole")]
public sealed class RemoteAccessConsoleTests(AdminConsoleFixture f)
{
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = AdminConsoleFixture.Timeout };
    private static readonly LocatorAssertionsToHaveValueOptions WaitValue = new() { Timeout = AdminConsoleFixture.Timeout };

    [Fact]
    public async Task AddRadiusClient_BadNasLineNamed_ThenSaved_SecretShownOnce_Listed()
    {
        var name = "asa-" + Guid.NewGuid().ToString("N")[..8];
        var page = await f.SignInAsync("root");
        await page.GotoAsync(f.Url("console/apps"));
        await page.ClickAsync("nav.subnav a:has-text('Remote access')");
        await page.ClickAsync("a:has-text('Add new RADIUS client')");
        await page.SelectOptionAsync("select[name=type]", "Cisco ASA");
        await page.FillAsync("input[name=name]", name);
        await page.FillAsync("textarea[name=nasAddresses]", "10.20.0.0/28\nvpn.example");
        await page.FillAsync("textarea[name=groupAttributes]", "*: Filter-Id=staff");
        await page.ClickAsync("button.primary");

        await Expect(page.Locator("p.error")).ToContainTextAsync("NAS addresses, line 2:", Wait);
        await Expect(page.Locator("input[name=name]")).ToHaveValueAsync(name, WaitValue);
        await Expect(page.Locator("select[name=type]")).ToHaveValueAsync("Cisco ASA", WaitValue);
        await Expect(page.Locator("textarea[name=groupAttributes]")).ToHaveValueAsync("*: Filter-Id=staff", WaitValue);

        await page.FillAsync("textarea[name=nasAddresses]", "10.20.0.0/28");
        await page.ClickAsync("button.primary");
        await Expect(page.Locator("h1")).ToContainTextAsync("Shared secret for " + name, Wait);
        var secret = await page.Locator("input.copy").InputValueAsync();
        Assert.Equal(32, secret.Length);
        Assert.Equal([secret], (await f.Service.Services.GetRequiredService<IRadiusClientStore>().FindAsync(name, default))!.Secrets);

        await page.ClickAsync("a:has-text('Back to remote access')");
        var row = page.Locator("tr", new() { HasText = name });
        await Expect(row).ToContainTextAsync("Cisco ASA", Wait);
        await Expect(row).ToContainTextAsync("10.20.0.0/28", Wait);
        await Expect(row).ToContainTextAsync("Directory", Wait);
        await Expect(row).ToContainTextAsync("Enabled", Wait);
        Assert.DoesNotContain(secret, await page.ContentAsync());
    }
}
