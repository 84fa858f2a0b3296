using System.Text.Json;
using System.Text.RegularExpressions;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>
/// One real service per test class, headless Chromium and one openid-client relying party ("Clinic portal"). The classes
/// share the "MfaBrowser" collection so that only one of these heavy set-ups runs at a time on a loaded machine.
/// </summary>
public class MfaBrowserFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const string AppName = "Clinic portal";
    /// <summary>Generous: the machine is shared and slow; nothing waits this long when things work.</summary>
    public const float Timeout = 25_000;

    private int _users;
    private IPlaywright _playwright = null!;

    public TestService Service { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public RelyingPartyProcess Rp { get; private set; } = null!;

    protected virtual Task<TestService> StartServiceAsync() => TestService.StartAsync();

    public async Task InitializeAsync()
    {
        Service = await StartServiceAsync();
        (_playwright, Browser) = await EndToEnd.Browser.LaunchAsync();
        var baseUri = RelyingPartyProcess.ReserveBaseUri();
        var secret = await Service.AddOidcAppAsync("clinic", [new Uri(baseUri, "cb")], [new Uri(baseUri, "signed-out")], displayName: AppName);
        Rp = await RelyingPartyProcess.StartAsync(baseUri, Service.Issuer, "clinic", secret);
    }

    public async Task DisposeAsync()
    {
        await Rp.DisposeAsync();
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Service.DisposeAsync();
    }

    public IPolicyStore Policies => Service.Services.GetRequiredService<IPolicyStore>();

    /// <summary>Makes Web SSO live for the default user policy with these second factors, this rule and these options.</summary>
    public async Task UseWebSsoAsync(IReadOnlyList<Factor> factors, EnrollmentRule? rule = null, AuthenticationOptions? options = null)
    {
        await Policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = factors, UserPolicyIds = [UserPolicy.DefaultId] },
            Options = options ?? new AuthenticationOptions(),
        }, CancellationToken.None);
        await Policies.SaveEnrollmentRuleAsync(rule ?? EnrollmentRule.Default, CancellationToken.None);
    }

    public Task<DirectoryUser> NewUserAsync(string prefix) =>
        Service.AddUserAsync(prefix + Interlocked.Increment(ref _users), Password);

    /// <summary>A fresh browser context (no SSO session, no cookies, its own IndexedDB): a computer or a phone.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync();
        context.SetDefaultTimeout(Timeout);
        context.SetDefaultNavigationTimeout(Timeout);
        return await context.NewPageAsync();
    }

    /// <summary>Starts a sign-in at the relying party and submits the password on our login page.</summary>
    public async Task SignInWithPasswordAsync(IPage page, DirectoryUser user)
    {
        await page.GotoAsync(new Uri(Rp.BaseUri, "login").ToString());
        await ArriveAsync(page, Service.Issuer + "login**");
        await BrowserSteps.SignInWithPasswordAsync(page, Service, user.Username, Password);
    }

    /// <summary>Waits for a URL with this fixture's timeout (see <see cref="BrowserSteps.ArriveAsync"/>).</summary>
    public static Task ArriveAsync(IPage page, string urlPattern) => BrowserSteps.ArriveAsync(page, urlPattern, Timeout);

    /// <summary>Waits for the relying party's callback page and returns what openid-client verified (claims of the ID token).</summary>
    public async Task<JsonElement> RelyingPartyClaimsAsync(IPage page)
    {
        await BrowserSteps.ArriveAsync(page, new Uri(Rp.BaseUri, "cb**").ToString(), Timeout, Service);
        return (await BrowserSteps.RelyingPartyResultAsync(page, Rp)).GetProperty("claims");
    }

    /// <summary>Reads the newest code sent to <paramref name="to"/> whose text contains <paramref name="kind"/> from the outbox page.</summary>
    /// <param name="reader">A page whose browser context is signed in to the admin console (the outbox is for administrators).</param>
    public async Task<string> CodeFromOutboxAsync(IPage reader, string to, string kind)
    {
        // A fresh tab each time: the outbox page reloads itself every 5 s, which would interrupt a navigation of an open one.
        var outbox = await reader.Context.NewPageAsync();
        try
        {
            return await ReadCodeAsync(outbox, to, kind);
        }
        finally
        {
            await outbox.CloseAsync();
        }
    }

    private async Task<string> ReadCodeAsync(IPage outbox, string to, string kind)
    {
        await outbox.GotoAsync(new Uri(Service.BaseUri, "outbox").ToString());
        await BrowserSteps.ArriveAsync(outbox, Service.Issuer + "outbox", Timeout, Service);
        var message = outbox.Locator("article.message").Filter(new LocatorFilterOptions { Has = outbox.Locator(".to", new PageLocatorOptions { HasTextString = to }) })
            .Filter(new LocatorFilterOptions { HasTextString = kind }).First;
        var text = await message.Locator("pre.text").InnerTextAsync();
        var match = Regex.Match(text, "is ([0-9]{4,10})\\.");
        Assert.True(match.Success, "no code in the outbox message: " + text);
        return match.Groups[1].Value;
    }
}

/// <summary>
/// The service runs on a clock that keeps the real time's pace but can jump ahead (<see cref="JumpingClock.Jump"/>), so a
/// test moves past a deadline instead of waiting for it. A frozen FakeTimeProvider does not suit a browser: the login
/// page, the phone's polling and the service's own timers all expect time to pass between requests.
/// </summary>
public sealed class ClockedMfaBrowserFixture : MfaBrowserFixture
{
    public JumpingClock JumpingClock { get; } = new();

    protected override Task<TestService> StartServiceAsync() =>
        TestService.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(JumpingClock));
}

/// <summary>The system clock plus an offset that only grows.</summary>
public sealed class JumpingClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

[CollectionDefinition("MfaBrowser")]
public sealed class MfaBrowserCollection;
