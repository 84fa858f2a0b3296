using System.Net;
using Imprivata.Functions;
using Microsoft.Extensions.Configuration;

namespace Imprivata.Demo.Tests;

/// <summary>The demo is the packaged service plus the demo's parts, on this machine only.</summary>
public class DemoAppTests
{
    [Fact]
    public async Task Build_ServesTheSampleApp_WhereTheServiceAloneDoesNot()
    {
        await using var demo = await TestService.StartAsync(build: DemoApp.Build);
        await using var service = await TestService.StartAsync();
        using var toDemo = new HttpClient { BaseAddress = demo.BaseUri };
        using var toService = new HttpClient { BaseAddress = service.BaseUri };

        using var sample = await toDemo.GetAsync("/sample");
        using var absent = await toService.GetAsync("/sample");

        Assert.Equal(HttpStatusCode.OK, sample.StatusCode);
        Assert.Contains("Sample app", await sample.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
        // Both are the whole service: the demo adds to it, it replaces nothing.
        Assert.Equal(HttpStatusCode.OK, (await toDemo.GetAsync("/.well-known/openid-configuration")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await toService.GetAsync("/.well-known/openid-configuration")).StatusCode);
    }

    [Fact]
    public void Build_InCustomHandlerMode_RefusesToStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DemoApp.Build([], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7099" })));

        Assert.Contains("standalone only", error.Message);
    }
}
