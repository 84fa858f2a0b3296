using System.Net;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Functions.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Mfa.Codes;

public class OutboxPageTests
{
    [Fact]
    public async Task Standalone_DefaultCarrierIsOutbox_PageShowsCodesNewestFirst()
    {
        await using var service = await TestService.StartAsync();
        var user = await service.AddUserAsync("ann", "secret-Passw0rd!", email: "ann@example.org");
        var enrollments = service.Services.GetRequiredService<CodeEnrollments>();
        await enrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100001", CancellationToken.None);
        await enrollments.BeginAsync(user.Id, CodeChannel.Email, null, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = service.BaseUri };

        using var response = await client.GetAsync("/outbox");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http-equiv=\"refresh\"", html);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var messages = await service.Services.GetRequiredService<IOutboxStore>().ListAsync(10, CancellationToken.None);
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
