using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>
/// WebAuthn as a user lives it: Chromium with its virtual authenticator (DevTools protocol) enrolls a key at the login prompt
/// and signs in with it; an openid-client relying party verifies the ID token that says so. The service runs on
/// http://localhost because browsers refuse an IP address as a relying party id.
/// </summary>
public sealed class WebAuthnTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private TestService _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private RelyingPartyProcess? _rp;

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync(host: "localhost");
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_rp is not null)
            await _rp.DisposeAsync();
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task WebAuthn_EnrollAtPromptWithVirtualAuthenticator_ThenSignInWithIt_IdTokenSaysFidoAndMfa()
    {
        var policies = _service.Services.GetRequiredService<IPolicyStore>();
        await policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = [Factor.WebAuthn], UserPolicyIds = [UserPolicy.DefaultId] },
        }, CancellationToken.None);
        await policies.SaveEnrollmentRuleAsync(EnrollmentRule.Default with { MayDelay = false }, CancellationToken.None);
        var dana = await _service.AddUserAsync("dana", Password);

        var baseUri = RelyingPartyProcess.ReserveBaseUri();
        var secret = await _service.AddOidcAppAsync("app-fido", [new Uri(baseUri, "cb")], [new Uri(baseUri, "signed-out")], displayName: "Fido app");
        _rp = await RelyingPartyProcess.StartAsync(baseUri, _service.Issuer, "app-fido", secret);

        var page = await (await _browser.NewContextAsync()).NewPageAsync();
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "usb",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        var authenticatorId = added!.Value.GetProperty("authenticatorId").GetString()!;

        // First sign-in: password, then the enrollment prompt; the virtual authenticator creates the credential.
        await page.GotoAsync(new Uri(_rp.BaseUri, "login").ToString());
        await SignInWithPasswordAsync(page, "dana");
        await ArriveAsync(page, _service.Issuer + "login/mfa");
        Assert.Contains("Set up a second factor", await page.InnerTextAsync("body"));
        await page.ClickAsync("#method-webauthn");
        await ArriveAsync(page, _service.Issuer + "login/enroll/webauthn");
        await page.FillAsync("#label", "Virtual key");
        await page.ClickAsync("#webauthn-start");
        await ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString());
        var first = await ResultAsync(page);
        Assert.Equal(dana.Id, first.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Contains("fido", Amr(first));
        var credentials = (await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId }))!.Value
            .GetProperty("credentials").EnumerateArray().ToList();
        Assert.Single(credentials);
        Assert.Equal("localhost", credentials[0].GetProperty("rpId").GetString());

        // Sign out everywhere, then sign in again: the password, then the key (WebAuthn is the only factor, so no chooser).
        await page.GotoAsync(new Uri(_rp.BaseUri, "logout").ToString());
        await ArriveAsync(page, new Uri(_rp.BaseUri, "signed-out**").ToString());
        await page.GotoAsync(new Uri(_rp.BaseUri, "login").ToString());
        await SignInWithPasswordAsync(page, "dana");
        await ArriveAsync(page, _service.Issuer + "login/mfa/webauthn");
        await page.ClickAsync("#webauthn-start");
        await ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString());
        var second = await ResultAsync(page);
        Assert.Equal(dana.Id, second.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(["pwd", "fido", "mfa"], Amr(second));
        Assert.Equal("urn:imprivata:acr:mfa", second.GetProperty("claims").GetProperty("acr").GetString());
        credentials = (await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId }))!.Value
            .GetProperty("credentials").EnumerateArray().ToList();
        Assert.True(credentials[0].GetProperty("signCount").GetInt64() >= 1, "the login assertion did not use the enrolled credential");
    }

    private async Task SignInWithPasswordAsync(IPage page, string username)
    {
        Assert.StartsWith(_service.Issuer + "login", page.Url);
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
    }

    private static List<string?> Amr(JsonElement result) =>
        [.. result.GetProperty("claims").GetProperty("amr").EnumerateArray().Select(e => e.GetString())];

    private async Task<JsonElement> ResultAsync(IPage page)
    {
        if (await page.Locator("#error").CountAsync() > 0)
            throw new Xunit.Sdk.XunitException("RP error: " + await page.Locator("#error").InnerTextAsync() + "\n" + _rp!.Output);
        return JsonDocument.Parse(await page.Locator("#result").InnerTextAsync()).RootElement.Clone();
    }

    /// <summary>Waits for a URL; on timeout says where the browser is instead, what it shows, and what the audit recorded.</summary>
    private async Task ArriveAsync(IPage page, string urlPattern)
    {
        try
        {
            await page.WaitForURLAsync(urlPattern, new PageWaitForURLOptions { Timeout = 30_000, WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException)
        {
            var text = await page.InnerTextAsync("body");
            var audit = new List<string>();
            var now = DateTimeOffset.UtcNow;
            await foreach (var e in _service.Services.GetRequiredService<IAuditLog>().QueryAsync(now.AddMinutes(-10), now.AddMinutes(1), CancellationToken.None))
                audit.Add($"{e.Kind} {e.Result} {e.Reason} {e.Methods} {e.Detail}");
            throw new Xunit.Sdk.XunitException($"Expected {urlPattern} but the browser is at {page.Url} showing: {text[..Math.Min(text.Length, 800)]}\naudit (newest first):\n{string.Join('\n', audit.Take(8))}");
        }
    }
}
