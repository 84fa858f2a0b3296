using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.UserDirectory;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Functions.Tests.Admin;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.Otp;

/// <summary>/console/api/otp-tokens over HTTP against the whole service.</summary>
public sealed class OtpTokenApiTests : SignedInSuperadmin
{
    private const string HexSeed = "3132333435363738393031323334353637383930";
    private DirectoryUser _bob = default!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _bob = await Host.CreateUserAsync("bob");
    }

    private Task<HttpResponseMessage> ImportAsync(AdminClient client, string csv)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/console/api/otp-tokens/import") { Content = new StringContent(csv) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        request.Headers.Add(Functions.Admin.AdminHttp.CsrfHeader, client.Csrf);
        return client.Http.SendAsync(request);
    }

    [Fact]
    public async Task Import_List_Assign_Resync_Unassign_AllAudited_NoSeedEverReturned()
    {
        var import = await ImportAsync(Root, $"serial,seed,type\nHW-1,{HexSeed},hotp\nHW-2,{HexSeed},totp\n");
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await import.Content.ReadAsStringAsync()).RootElement.GetProperty("imported").GetInt32());

        var list = await Root.Http.GetStringAsync("/console/api/otp-tokens");
        Assert.Contains("\"serial\":\"HW-1\"", list);
        Assert.DoesNotContain(HexSeed, list, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("GEZDGNBV", list);

        Assert.Equal(HttpStatusCode.OK, (await Root.SendAsync(HttpMethod.Post, "/console/api/otp-tokens/HW-1/assign", new { userId = _bob.Id })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Root.SendAsync(HttpMethod.Post, "/console/api/otp-tokens/HW-1/assign", new { userId = _bob.Id })).StatusCode);
        Assert.Contains("\"assignedUsername\":\"bob\"", await Root.Http.GetStringAsync("/console/api/otp-tokens"));

        var seed = Convert.FromHexString(HexSeed);
        var hotp = new OtpParameters { Kind = OtpKind.Hotp };
        var resync = await Root.SendAsync(HttpMethod.Post, "/console/api/otp-tokens/HW-1/resync",
            new { firstCode = OtpCode.Compute(seed, hotp, 50), secondCode = OtpCode.Compute(seed, hotp, 51) });
        Assert.Equal(HttpStatusCode.NoContent, resync.StatusCode);
        var verifier = Host.App.Services.GetRequiredService<OtpTokenVerifier>();
        Assert.True((await verifier.VerifyAsync(_bob.Id, OtpCode.Compute(seed, hotp, 52), default)).Succeeded);

        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Post, "/console/api/otp-tokens/HW-1/unassign")).StatusCode);
        Assert.Equal(OtpReasons.NotEnrolled, (await verifier.VerifyAsync(_bob.Id, OtpCode.Compute(seed, hotp, 53), default)).Reason);

        foreach (var kind in new[] { "import", "assign", "resync", "unassign" })
            Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.otp_token." + kind && e.Result == AuditResults.Success && e.Actor == "root");
    }

    [Fact]
    public async Task Import_BadLines_400WithLineAndReason()
    {
        var response = await ImportAsync(Root, $"serial,seed\nA,{HexSeed}\nB,z!\n");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"line\":3", body);
        Assert.Contains("seed_not_hex_or_base32", body);
        Assert.DoesNotContain(HexSeed, body);
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.otp_token.import" && e.Result == AuditResults.Failure && e.Actor == "root");
    }

    [Fact]
    public async Task Helpdesk_AndAnonymous_Refused()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var helpdesk = await Host.SignInAsync("desk");
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.Http.GetAsync("/console/api/otp-tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ImportAsync(helpdesk, $"serial,seed\nA,{HexSeed}\n")).StatusCode);
        using var anonymous = Host.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync("/console/api/otp-tokens")).StatusCode);
    }

    [Fact]
    public async Task ConsolePage_ListsTokensAndHasTheNavLink()
    {
        await ImportAsync(Root, $"serial,seed\nPAGE-1,{HexSeed}\n");
        var html = await Root.Http.GetStringAsync("/console/otp-tokens");
        Assert.Contains("PAGE-1", html);
        Assert.DoesNotContain(HexSeed, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"/console/otp-tokens\"", await Root.Http.GetStringAsync("/console/users"));
    }
}
