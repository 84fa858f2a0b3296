using System.Net;
using Imprivata.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Imprivata.Functions.Tests.Hosting;

public class StandaloneModeTests
{
    [Fact]
    public async Task Standalone_InvocationEndpoint_NotMapped()
    {
        await using var host = await ServiceAppHost.StartAsync(customHandler: false);

        using var response = await host.Client.PostAsync("/" + PurgeExpiredFunction.Name, new StringContent("""{"Data":{},"Metadata":{}}"""));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Standalone_Pump_RunsWithTimersFromFunctionJson()
    {
        await using var host = await ServiceAppHost.StartAsync(customHandler: false);

        Assert.Contains(host.App.Services.GetServices<IHostedService>(), s => s is FunctionPump);
        var catalog = host.App.Services.GetRequiredService<FunctionCatalog>();
        Assert.Contains(catalog.Functions, f => f.Name == PurgeExpiredFunction.Name && f.IsTimer);
    }

    [Fact]
    public async Task CustomHandler_Pump_NotRegistered()
    {
        await using var host = await ServiceAppHost.StartAsync(customHandler: true);

        Assert.DoesNotContain(host.App.Services.GetServices<IHostedService>(), s => s is FunctionPump);
    }
}
