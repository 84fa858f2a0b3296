using System.Text.Json;
using System.Text.RegularExpressions;
using Imprivata.Demo;
using Imprivata.Demo.Lan;
using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Imprivata.EndToEnd;

/// <summary>
/// What ./run.sh shows a newcomer: the seeded demo (demo user, Web SSO second factors prompted at login) and the sample app
/// at /sample, on http://localhost as by default and on https at a "LAN" address (./run.sh --lan), here 127.0.0.1.
/// </summary>
[Collection("MfaBrowser")]
public sealed class SampleAppTests : IAsyncLifetime
{
    private static readonly Regex ShownTime = new(@"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC \([0-9]+\)$");
    private readonly string _folder = Directory.CreateTempSubdirectory("imp-demo-e2e-").FullName;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync() => (_playwright, _browser) = await Browser.LaunchAsync();

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Task<TestService> StartDemoAsync(string host, bool lan) => TestService.StartAsync(new Dictionary<string, string?>
    {
        [DemoApp.SeedKey] = "true",
        [DemoApp.FolderKey] = _folder,
        [LanDemo.EnabledKey] = lan ? "true" : "false",
        [LanDemo.AddressKey] = lan ? "127.0.0.1" : null,
    }, host: host, build: DemoApp.Build);

    private async Task<IPage> NewPageAsync(bool acceptCertificateWarning = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = acceptCertificateWarning });
        context.SetDefaultTimeout(MfaBrowserFixture.Timeout);
        context.SetDefaultNavigationTimeout(MfaBrowserFixture.Timeout);
        return await context.NewPageAsync();
    }

    /// <summary>From the sample's home page to the second-factor page, as the demo user (credentials from run.sh's demo.json).</summary>
    private async Task SignInAsDemoUserAsync(IPage page, TestService service, Uri origin)
    {
        var demo = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "demo.json"))).RootElement;
        await page.GotoAsync(new Uri(origin, "sample").ToString());
        await page.ClickAsync("text=Sign in");
        await BrowserSteps.ArriveAsync(page, origin + "login**", MfaBrowserFixture.Timeout, service);
        await page.FillAsync("#username", demo.GetProperty("username").GetString()!);
        await page.FillAsync("#password", demo.GetProperty("password").GetString()!);
        await page.ClickAsync("button[type=submit]");
        await BrowserSteps.ArriveAsync(page, origin + "login/mfa", MfaBrowserFixture.Timeout, service);
    }

    private static async Task<string> ClaimAsync(IPage page, string name) => (await page.InnerTextAsync($"#claim-{name} code")).Trim();

    [Fact]
    public async Task Demo_OnLocalhost_OffersWebAuthn_AndTheSampleShowsArraysAndDates_NotInternals()
    {
        await using var service = await StartDemoAsync("localhost", lan: false);
        var origin = service.BaseUri;
        var page = await NewPageAsync();

        await SignInAsDemoUserAsync(page, service, origin);
        // http://localhost is a WebAuthn origin: a security key is among the methods to set up.
        await Expect(page.Locator("#method-webauthn")).ToBeVisibleAsync();
        await page.ClickAsync("#delay");
        await BrowserSteps.ArriveAsync(page, origin + "sample/callback**", MfaBrowserFixture.Timeout, service);

        await Expect(page.Locator("h1")).ToHaveTextAsync("Signed in");
        Assert.Equal("""["pwd"]""", await ClaimAsync(page, "amr"));
        foreach (var time in new[] { "iat", "exp", "auth_time" })
            Assert.Matches(ShownTime, await ClaimAsync(page, time));
        Assert.Equal("demo", await ClaimAsync(page, "preferred_username"));
        await Expect(page.Locator("[id^='claim-oi_']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#claim-nonce")).ToHaveCountAsync(0);
        Assert.DoesNotContain("System.", await page.InnerTextAsync("body"));
    }

    [Fact]
    public async Task Demo_OnTheLan_PhoneAcceptingTheCertificateEnrollsFromTheQrLink_AndTheSampleSignsIn()
    {
        await using var service = await StartDemoAsync("127.0.0.1", lan: true);
        var origin = service.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase;
        Assert.Equal("https", origin.Scheme);
        var computer = await NewPageAsync(acceptCertificateWarning: true);

        await SignInAsDemoUserAsync(computer, service, origin);
        // An IP address is no WebAuthn origin: the page offers what works there.
        await Expect(computer.Locator("#method-webauthn")).ToHaveCountAsync(0);
        await computer.ClickAsync("#method-push");
        await BrowserSteps.ArriveAsync(computer, origin + "login/enroll/push", MfaBrowserFixture.Timeout, service);
        var link = await computer.GetAttributeAsync("#push-enroll-link", "href");
        Assert.StartsWith(origin + "approve/enroll#", link);

        // The phone opens what the QR code says; over https its WebCrypto makes the device key.
        var phone = await NewPageAsync(acceptCertificateWarning: true);
        await phone.GotoAsync(link!);
        await Expect(phone.Locator("#enroll-section")).ToBeVisibleAsync();
        await phone.FillAsync("#device-name", "Demo phone");
        await phone.ClickAsync("#enroll-button");
        await BrowserSteps.ArriveAsync(phone, origin + "approve", MfaBrowserFixture.Timeout, service);
        await Expect(phone.Locator("#token-code")).ToHaveTextAsync(new Regex("^[0-9]{6}$"));

        await computer.ClickAsync("#push-enroll-continue");
        await BrowserSteps.ArriveAsync(computer, origin + "sample/callback**", MfaBrowserFixture.Timeout, service);
        Assert.Equal("""["pwd", "swk", "mfa"]""", await ClaimAsync(computer, "amr"));
        Assert.Equal(origin.ToString(), await ClaimAsync(computer, "iss"));
    }
}
