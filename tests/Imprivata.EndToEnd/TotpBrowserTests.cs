using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Imprivata.EndToEnd;

/// <summary>
/// An authenticator app as a user lives it: the enrollment prompt shows a QR code and the key to type; the test plays the
/// phone's app (RFC 6238 from the key shown on the page); an openid-client relying party verifies the ID token.
/// </summary>
public sealed class TotpBrowserTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private TestService _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private RelyingPartyProcess? _rp;

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync();
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
    public async Task AuthenticatorApp_EnrolledAtThePrompt_ThenSignsInWithItsCode()
    {
        var policies = _service.Services.GetRequiredService<IPolicyStore>();
        await policies.SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            WebSso = new Workflow { SecondFactors = [Factor.OtpToken, Factor.Sms], UserPolicyIds = [UserPolicy.DefaultId] },
        }, CancellationToken.None);
        await policies.SaveEnrollmentRuleAsync(EnrollmentRule.Default with { MayDelay = true }, CancellationToken.None);
        var erin = await _service.AddUserAsync("erin", Password);

        var baseUri = RelyingPartyProcess.ReserveBaseUri();
        var secret = await _service.AddOidcAppAsync("app-totp", [new Uri(baseUri, "cb")], [new Uri(baseUri, "signed-out")], displayName: "Totp app");
        _rp = await RelyingPartyProcess.StartAsync(baseUri, _service.Issuer, "app-totp", secret);
        var page = await (await _browser.NewContextAsync()).NewPageAsync();

        await page.GotoAsync(new Uri(_rp.BaseUri, "login").ToString());
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "erin", Password);
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/mfa", service: _service);
        var chooser = await page.InnerTextAsync("body");
        Assert.Contains("Set up a second factor", chooser);
        Assert.Contains("Remind me later", chooser);
        await page.ClickAsync("#method-otp");
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/enroll/otp", service: _service);
        Assert.True(await page.Locator("#totp-qr").IsVisibleAsync());
        var seed = OtpNet.Base32Encoding.ToBytes(await page.InnerTextAsync("#manual-key"));
        var step = OtpCode.TimeStep(DateTimeOffset.UtcNow, 30);
        string Code(long at) => OtpCode.Compute(seed, TotpEnrollment.AppParameters, at);

        await page.FillAsync("#code", Code(step));
        await page.ClickAsync("#verify");
        await BrowserSteps.ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString(), service: _service);
        var first = await BrowserSteps.RelyingPartyResultAsync(page, _rp!);
        Assert.Equal(erin.Id, first.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(["pwd", "otp", "mfa"], BrowserSteps.Amr(first.GetProperty("claims")));

        await page.GotoAsync(new Uri(_rp.BaseUri, "logout").ToString());
        await BrowserSteps.ArriveAsync(page, new Uri(_rp.BaseUri, "signed-out**").ToString(), service: _service);
        await page.GotoAsync(new Uri(_rp.BaseUri, "login").ToString());
        await BrowserSteps.SignInWithPasswordAsync(page, _service, "erin", Password);
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/mfa/otp", service: _service);
        // The code that confirmed the enrollment is spent: refused, and the page says so.
        await page.FillAsync("#code", Code(step));
        await page.ClickAsync("#verify");
        await page.WaitForSelectorAsync(".error", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.FillAsync("#code", Code(step + 1));
        await page.ClickAsync("#verify");
        await BrowserSteps.ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString(), service: _service);
        var second = await BrowserSteps.RelyingPartyResultAsync(page, _rp!);
        Assert.Equal(["pwd", "otp", "mfa"], BrowserSteps.Amr(second.GetProperty("claims")));
        Assert.Equal("urn:imprivata:acr:mfa", second.GetProperty("claims").GetProperty("acr").GetString());
    }
}
