using System.Net;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.Codes;

public class OutboxPageTests
{
    private const string AdminPassword = "helpdesk-Passw0rd!";

    /// <summary>Sends a user an SMS and an e-mail code, which the outbox keeps, and returns those messages.</summary>
    private static async Task<IReadOnlyList<OutboxMessage>> SendTwoCodesAsync(TestService service)
    {
        var user = await service.AddUserAsync("ann", "secret-Passw0rd!", email: "ann@example.org");
        var enrollments = service.Services.GetRequiredService<CodeEnrollments>();
        await enrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100001", CancellationToken.None);
        await enrollments.BeginAsync(user.Id, CodeChannel.Email, null, CancellationToken.None);
        return await service.Services.GetRequiredService<IOutboxStore>().ListAsync(10, CancellationToken.None);
    }

    [Fact]
    public async Task Standalone_Anonymous_SentToTheAdminSignIn_NoCodeShown()
    {
        await using var service = await TestService.StartAsync();
        var messages = await SendTwoCodesAsync(service);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = service.BaseUri };

        using var response = await client.GetAsync("/outbox");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(AdminHttp.ConsolePath + "/login", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(2, messages.Count);
        foreach (var message in messages)
            Assert.DoesNotContain(CodeRig.CodeIn(message.Text), body);
    }

    [Fact]
    public async Task Standalone_SignedInHelpdesk_PageShowsCodesNewestFirst()
    {
        await using var service = await TestService.StartAsync();
        var messages = await SendTwoCodesAsync(service);
        var desk = await service.AddUserAsync("desk", AdminPassword, role: AdminRole.Helpdesk);
        using var admin = new AdminClient(service.BaseUri);
        Assert.Equal(HttpStatusCode.SeeOther, (await admin.PostLoginAsync(desk.Username, AdminPassword)).StatusCode);

        using var response = await admin.Http.GetAsync("/outbox");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http-equiv=\"refresh\"", html);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal([CodeChannel.Email, CodeChannel.Sms], messages.Select(m => m.Channel));
        var emailAt = html.IndexOf("ann@example.org", StringComparison.Ordinal);
        var smsAt = html.IndexOf("15550100001", StringComparison.Ordinal);
        Assert.True(emailAt >= 0 && smsAt > emailAt, "newest (e-mail) first");
        foreach (var message in messages)
            Assert.Contains(CodeRig.CodeIn(message.Text), html);
    }

    [Fact]
    public async Task CustomHandler_OutboxNotMapped()
    {
        await using var host = await ServiceAppHost.StartAsync(customHandler: true);

        using var response = await host.Client.GetAsync("/outbox");

        // 405, not 404: in this mode POST /{function} exists for the host's invocations; no GET /outbox does.
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, response.StatusCode.ToString());
        Assert.DoesNotContain("Outbox", await response.Content.ReadAsStringAsync());
        // The service itself answers on that port: the 404 is the route's absence, not a dead listener.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
    }
}
