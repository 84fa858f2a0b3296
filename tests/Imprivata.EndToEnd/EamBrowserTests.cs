using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Imprivata.Core.Eam;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace Imprivata.EndToEnd;

/// <summary>
/// Entra ID's external method in Chromium: a page standing in for Entra posts the request with a hint from the loopback Entra,
/// the user completes TOTP on our pages, and the form our page auto-submits to Entra's redirect URI is captured in the
/// browser (no request leaves the machine); jose then verifies the id_token against our JWKS.
/// </summary>
public sealed class EamBrowserTests : IAsyncLifetime
{
    private const string Tenant = "0b5e1a4c-7a43-4f5e-9d3e-1f2a3b4c5d6e";
    private const string AppId = "4d3c2b1a-0f9e-4d8c-b7a6-95847362514f";
    private const string ClientId = "eam-e2e";
    private readonly EntraTestAuthority _entra = new();
    private TestService _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private LoopbackHttpPeer? _entraPage;

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync(_entra.Settings);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        _entraPage?.Dispose();
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _service.DisposeAsync();
        _entra.Dispose();
    }

    [Fact]
    public async Task EntraPostsTheHint_UserCompletesTotp_IdTokenPostedToEntraVerifiesWithJose()
    {
        await _service.Services.GetRequiredService<IEamProfileStore>().SaveAsync(new EamProfile
        {
            ClientId = ClientId, AdminName = "Entra", DisplayName = "Contoso", TenantIds = [Tenant],
            RedirectUris = [EntraCloud.Public.RedirectUri], AppId = AppId,
        }, CancellationToken.None);
        await _service.Services.GetRequiredService<IPolicyStore>().SaveWorkflowPolicyAsync(new WorkflowPolicy
        {
            SecondFactorOnly = new Workflow { SecondFactors = [Factor.OtpToken], UserPolicyIds = [UserPolicy.DefaultId] },
        }, CancellationToken.None);
        var user = await _service.AddUserAsync("frank", "correct horse battery staple");
        var enrollment = _service.Services.GetRequiredService<TotpEnrollment>();
        var start = await enrollment.BeginAsync(user.Id, user.Username, null, CancellationToken.None);
        var seed = Base32Encoding.ToBytes(start.ManualEntryKey);
        var now = DateTimeOffset.UtcNow;
        Assert.True((await enrollment.ConfirmAsync(user.Id, start.EnrollmentId, OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(now, 30)),
            CancellationToken.None)).Succeeded);
        var objectId = Guid.NewGuid().ToString("D");
        await _service.Services.GetRequiredService<IEntraUserLinkStore>().LinkAsync(Tenant, objectId, user.Id, CancellationToken.None);

        var hintClaims = EntraTestAuthority.HintClaims(EntraCloud.Public, Tenant, objectId, AppId);
        var fields = new Dictionary<string, string>
        {
            ["scope"] = "openid", ["response_type"] = "id_token", ["response_mode"] = "form_post", ["client_id"] = ClientId,
            ["redirect_uri"] = EntraCloud.Public.RedirectUri, ["nonce"] = "e2e-nonce-" + Guid.NewGuid().ToString("N"), ["state"] = "e2e-state",
            ["id_token_hint"] = _entra.Mint(EntraCloud.Public, hintClaims),
            ["claims"] = """{"id_token":{"acr":{"essential":true,"values":["possessionorinherence"]},"amr":{"essential":true,"values":["face","fido","fpt","hwk","iris","otp","pop","retina","sc","sms","swk","tel","vbm"]}}}""",
        };
        _entraPage = new LoopbackHttpPeer(async context =>
        {
            var html = new StringBuilder($"<!DOCTYPE html><html><body><form method=\"post\" action=\"{_service.BaseUri}eam/authorize\">");
            foreach (var (name, value) in fields)
                html.Append($"<input type=\"hidden\" name=\"{name}\" value=\"{WebUtility.HtmlEncode(value)}\">");
            html.Append("</form><script>document.forms[0].submit()</script></body></html>");
            var bytes = Encoding.UTF8.GetBytes(html.ToString());
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
        });

        var page = await (await _browser.NewContextAsync()).NewPageAsync();
        // Entra's redirect URI is answered inside the browser: the posted form is kept, nothing goes to the internet.
        var posted = new TaskCompletionSource<string>();
        await page.RouteAsync("https://login.microsoftonline.com/**", async route =>
        {
            posted.TrySetResult(route.Request.PostData ?? "");
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p id=\"entra\">Entra got the answer</p>" });
        });

        await page.GotoAsync(_entraPage.BaseUri.ToString());
        await BrowserSteps.ArriveAsync(page, _service.Issuer + "login/mfa/otp", service: _service);
        await page.FillAsync("#code", OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(now, 30) + 1));
        await page.ClickAsync("#verify");
        var form = await posted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var answer = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(form);
        Assert.Equal("e2e-state", answer["state"].ToString());
        Assert.False(answer.ContainsKey("error"));
        var verified = await VerifyWithJoseAsync(answer["id_token"].ToString());
        Assert.True(verified.GetProperty("ok").GetBoolean(), verified.ToString());
        var payload = verified.GetProperty("payload");
        Assert.Equal(fields["nonce"], payload.GetProperty("nonce").GetString());
        Assert.Equal(hintClaims["sub"], payload.GetProperty("sub").GetString());
        Assert.Equal("possessionorinherence", payload.GetProperty("acr").GetString());
        Assert.Equal(["otp"], payload.GetProperty("amr").EnumerateArray().Select(a => a.GetString()));
    }

    private async Task<JsonElement> VerifyWithJoseAsync(string idToken)
    {
        var issuer = _service.BaseUri.ToString().TrimEnd('/') + "/eam";
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(RepoPaths.Root, "tests", "Imprivata.EndToEnd", "eam", "verify-id-token.mjs"), issuer + "/jwks", issuer, ClientId, idToken })
            psi.ArgumentList.Add(argument);
        using var node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(output.Length > 0, "node printed nothing: " + errors);
        return JsonDocument.Parse(output).RootElement;
    }
}
