using Imprivata.Core.UserDirectory;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>
/// One real service and headless Chromium for the admin console's browser tests, with a superadmin ("root") and a helpdesk
/// administrator ("desk"). Each test signs in in its own browser context, in a 1280 x 800 window.
/// </summary>
public sealed class AdminConsoleFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    /// <summary>Generous: the machine is shared and slow; nothing waits this long when things work.</summary>
    public const float Timeout = 25_000;

    private IPlaywright _playwright = null!;

    public TestService Service { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = await TestService.StartAsync();
        (_playwright, Browser) = await EndToEnd.Browser.LaunchAsync();
        await Service.AddUserAsync("root", Password, role: AdminRole.Superadmin);
        await Service.AddUserAsync("desk", Password, role: AdminRole.Helpdesk);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Service.DisposeAsync();
    }

    public string Url(string path) => new Uri(Service.BaseUri, path).ToString();

    /// <summary>Signs in at /console/login (password, then a code) in a fresh context and waits for the Users page.</summary>
    public Task<IPage> SignInAsync(string username, bool javaScript = true) => SignInAsync(Browser, Service, username, javaScript);

    /// <summary>The same for another service's console (a user added with <see cref="Password"/>).</summary>
    public static async Task<IPage> SignInAsync(IBrowser browser, TestService service, string username, bool javaScript = true)
    {
        string Url(string path) => new Uri(service.BaseUri, path).ToString();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(Timeout);
        context.SetDefaultNavigationTimeout(Timeout);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url("console/login"));
        await page.FillAsync("input[name=username]", username);
        await page.FillAsync("input[name=password]", Password);
        // Every sign-in gets a fresh authenticator app (before the code page is drawn, so it asks for a code rather than
        // an enrollment), so no sign-in replays the code of an earlier one in the same step.
        var code = await ConsoleSecondFactor.FreshTokenCodeAsync(service.Services, username);
        await page.ClickAsync("button[type=submit]");
        await BrowserSteps.ArriveAsync(page, Url("console/login/otp"), Timeout, service);
        await page.FillAsync("input[name=code]", code);
        await page.ClickAsync("button[type=submit]");
        await BrowserSteps.ArriveAsync(page, Url("console/users"), Timeout, service);
        return page;
    }

    /// <summary>Clicks a form's submit button and waits until the browser shows the answer at <paramref name="urlPattern"/>.</summary>
    public async Task SubmitAsync(IPage page, string button, string urlPattern)
    {
        await page.ClickAsync(button);
        await BrowserSteps.ArriveAsync(page, urlPattern, Timeout, Service);
    }
}

[CollectionDefinition("AdminConsole")]
public sealed class AdminConsoleCollection : ICollectionFixture<AdminConsoleFixture>;
