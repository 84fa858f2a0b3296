using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Policies;
using Imprivata.Tests.Infrastructure;
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
        await SignInWithPasswordAsync(page, "erin");
        await ArriveAsync(page, _service.Issuer + "login/mfa");
        var chooser = await page.InnerTextAsync("body");
        Assert.Contains("Set up a second factor", chooser);
        Assert.Contains("Remind me later", chooser);
        await page.ClickAsync("#method-otp");
        await ArriveAsync(page, _service.Issuer + "login/enroll/otp");
        Assert.True(await page.Locator("#totp-qr").IsVisibleAsync());
        var seed = OtpNet.Base32Encoding.ToBytes(await page.InnerTextAsync("#manual-key"));
        var step = OtpCode.TimeStep(DateTimeOffset.UtcNow, 30);
        string Code(long at) => OtpCode.Compute(seed, TotpEnrollment.AppParameters, at);

        await page.FillAsync("#code", Code(step));
        await page.ClickAsync("#verify");
        await ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString());
        var first = await ResultAsync(page);
        Assert.Equal(erin.Id, first.GetProperty("claims").GetProperty("sub").GetString());
        Assert.Equal(["pwd", "otp", "mfa"], Amr(first));

        await page.GotoAsync(new Uri(_rp.BaseUri, "logout").ToString());
        await ArriveAsync(page, new Uri(_rp.BaseUri, "signed-out**").ToString());
        await page.GotoAsync(new Uri(_rp.BaseUri, "login").ToString());
        await SignInWithPasswordAsync(page, "erin");
        await ArriveAsync(page, _service.Issuer + "login/mfa/otp");
        // The code that confirmed the enrollment is spent: refused, and the page says so.
        await page.FillAsync("#code", Code(step));
        await page.ClickAsync("#verify");
        await page.WaitForSelectorAsync(".error", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.FillAsync("#code", Code(step + 1));
        await page.ClickAsync("#verify");
        await ArriveAsync(page, new Uri(_rp.BaseUri, "cb**").ToString());
        var second = await ResultAsync(page);
        Assert.Equal(["pwd", "otp", "mfa"], Amr(second));
        Assert.Equal("urn:imprivata:acr:mfa", second.GetProperty("claims").GetProperty("acr").GetString());
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
