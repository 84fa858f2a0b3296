using System.Net;
using Imprivata.Functions.Tests.Oidc;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>Storage is down when the service starts and comes back a few seconds later: no restart is needed.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task SignIn_StorageDownAtStartThenBack_WorksWithoutRestartAndHealthNeverSaysReadyWhileRequestsFail()
    {
        await using var tables = SwitchableRelay.Off(Azurite.PortOf("Table"));
        await using var queues = SwitchableRelay.Off(Azurite.PortOf("Queue"));
        var storage = Azurite.NewTablesThrough(tables.Port, queues.Port);
        await using var service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            ["Imprivata:Storage:ConnectionString"] = storage.ConnectionString,
            ["Imprivata:Storage:TablePrefix"] = storage.TablePrefix,
        });
        using var flow = new OidcFlow(service);
        const string Password = "Correct-Horse-42";

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await flow.GetAsync("/health")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await flow.GetAsync("/login")).StatusCode);
        // The first creation of the users' table fails while storage is down.
        await Assert.ThrowsAnyAsync<Exception>(() => service.AddUserAsync("alice", Password));

        tables.SwitchOn();
        queues.SwitchOn();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var health = await flow.GetAsync("/health");
            var page = await flow.GetAsync("/login");
            if (health.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "/health did not become ready after storage came back");
            await Task.Delay(250);
        }
        await service.AddUserAsync("alice", Password);
        var signIn = await flow.SignInAsync("alice", Password);

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
    }
}
