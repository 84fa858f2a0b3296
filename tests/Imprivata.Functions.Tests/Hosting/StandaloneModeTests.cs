using System.Net;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
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

    [Fact]
    public async Task Standalone_NoUrlsConfigured_ListensOnLocalhost_WhichKestrelBindsOnLoopbackOnly()
    {
        await using var host = await ServiceAppHost.StartAsync(customHandler: false);

        var addresses = host.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;

        // "localhost" is Kestrel's name for 127.0.0.1 and ::1 together (never a resolver's answer, never another interface).
        Assert.Equal([$"http://localhost:{host.Client.BaseAddress!.Port}"], addresses);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
    }

    /// <summary>run.sh sets no public URL: the shipped appsettings.json (or, without it, the option's default) is the demo's origin.</summary>
    [Fact]
    public void DemoConfiguration_PublicBaseUrl_IsAWebAuthnRelyingPartyOrigin()
    {
        var shipped = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "functions", "Imprivata.Functions", "appsettings.json"))
            .Build().GetSection(ServiceOptions.Section).Get<ServiceOptions>()!;

        foreach (var options in new[] { shipped, new ServiceOptions() })
        {
            var rp = WebAuthnRelyingParty.FromPublicBase(options.PublicBase, "demo");
            Assert.NotNull(rp);
            Assert.Equal(("localhost", "http://localhost:7071"), (rp.Id, rp.Origin));
        }
    }
}
