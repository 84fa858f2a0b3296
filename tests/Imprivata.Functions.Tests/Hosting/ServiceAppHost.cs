using Imprivata.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>Builds and starts the real app (ServiceApp.Build) on a free loopback port with fresh Azurite tables.</summary>
public sealed class ServiceAppHost : IAsyncDisposable
{
    private ServiceAppHost(WebApplication app, int port)
    {
        App = app;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }

    public static async Task<ServiceAppHost> StartAsync(bool customHandler, Action<WebApplicationBuilder>? configure = null)
    {
        var port = Ports.FreeTcp();
        var tables = Azurite.NewTables();
        var app = ServiceApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [customHandler ? "FUNCTIONS_CUSTOMHANDLER_PORT" : "Imprivata:Port"] = port.ToString(),
                ["Imprivata:Storage:ConnectionString"] = tables.ConnectionString,
                ["Imprivata:Storage:TablePrefix"] = tables.TablePrefix,
            });
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new ServiceAppHost(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>One custom-handler app shared by the tests of a class.</summary>
public sealed class CustomHandlerAppFixture : IAsyncLifetime
{
    public ServiceAppHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServiceAppHost.StartAsync(customHandler: true);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
