using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
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
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "dana", Password);
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/mfa", service: _service);
        Assert.Contains("Set up a second factor", await page.InnerTextAsync("body"));
        await page.ClickAsync("#method-webauthn");
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/enroll/webauthn", service: _service);
        await page.FillAsync("#label", "Virtual key");
        await page.ClickAsync("#webauthn-start");
        await BrowserSteps.ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString(), service: _service);
        var first = await BrowserSteps.RelyingPartyResultAsync(page, _rp!);
        Assert.Equal(dana.Id, first.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Contains("fido", BrowserSteps.Amr(first.GetProperty("claims")));
        var credentials = (await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId }))!.Value
            .GetProperty("credentials").EnumerateArray().ToList();
        Assert.Single(credentials);
        Assert.Equal("localhost", credentials[0].GetProperty("rpId").GetString());

        // Sign out everywhere, then sign in again: the password, then the key (WebAuthn is the only factor, so no chooser).
        await page.GotoAsync(new Uri(_rp.BaseUri, "logout").ToString());
        await BrowserSteps.ArriveAsync(page, new Uri(_rp.BaseUri, "signed-out**").ToString(), service: _service);
        await page.GotoAsync(new Uri(_rp.BaseUri, "login").ToString());
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "dana", Password);
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/mfa/webauthn", service: _service);
        await page.ClickAsync("#webauthn-start");
        await BrowserSteps.ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString(), service: _service);
        var second = await BrowserSteps.RelyingPartyResultAsync(page, _rp!);
        Assert.Equal(dana.Id, second.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(["pwd", "fido", "mfa"], BrowserSteps.Amr(second.GetProperty("claims")));
        Assert.Equal("urn:imprivata:acr:mfa", second.GetProperty("claims").GetProperty("acr").GetString());
        credentials = (await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId }))!.Value
            .GetProperty("credentials").EnumerateArray().ToList();
        Assert.True(credentials[0].GetProperty("signCount").GetInt64() >= 1, "the login assertion did not use the enrolled credential");
    }
}
