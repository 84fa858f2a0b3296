using System.Net;
using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Bridge.ServiceBus;
using Imprivata.RadiusEdge.Bridge.StorageQueues;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Health;
using Imprivata.RadiusEdge.Ldap;
using Imprivata.RadiusEdge.Listener;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Management;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge;

/// <summary>The composition root: configuration, the four layers, the health endpoint.</summary>
public static class EdgeApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var options = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
        EdgeOptionsCheck.Validate(options);
        // The client list lives in its own file and is reloaded when it changes (no restart). A connected edge may have none.
        if (!string.IsNullOrWhiteSpace(options.ClientsFile))
            builder.Configuration.AddJsonFile(Path.GetFullPath(options.ClientsFile), optional: options.Connected, reloadOnChange: true);

        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.HealthPort));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var services = builder.Services;
        services.Configure<EdgeOptions>(builder.Configuration.GetSection(EdgeOptions.Section));
        services.Configure<NasClientsFile>(builder.Configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(RadiusDictionary.Default);
        services.AddSingleton<NasClientDirectory>();
        services.AddSingleton<ExchangeLog>();
        services.AddSingleton(sp => new DuplicateCache(sp.GetRequiredService<TimeProvider>(), options.DuplicateCapacity, options.DuplicateLifetime));
        services.AddSingleton(new PendingTable(options.MaxPending));
        services.AddSingleton<ReplyBuilder>();
        services.AddSingleton<PasswordSealer>();
        services.AddSingleton<BridgeRequestFactory>();
        services.AddSingleton<LdapDirectory>();
        services.AddSingleton<FirstFactorStep>();
        services.AddSingleton<RequestHandler>();
        services.AddSingleton<DecisionHandler>();
        services.AddSingleton<IBridge>(sp => options.Bridge.Kind switch
        {
            "StorageQueues" => ActivatorUtilities.CreateInstance<StorageQueueBridge>(sp),
            "ServiceBus" => ActivatorUtilities.CreateInstance<ServiceBusBridge>(sp),
            _ => throw new InvalidOperationException($"RadiusEdge: unknown Bridge:Kind '{options.Bridge.Kind}'."),
        });
        services.AddSingleton<EdgeStatus>();
        services.AddSingleton(new ManagementClient(new HttpClient { Timeout = TimeSpan.FromSeconds(15) }));
        services.AddSingleton<UdpListener>();
        services.AddSingleton<IReplySender>(sp => sp.GetRequiredService<UdpListener>());
        // Order matters: the console's client list and seal key, then the bridge, are ready before the listener accepts
        // requests; on shutdown the listener stops first.
        services.AddHostedService<ManagementService>();
        services.AddHostedService<BridgeService>();
        services.AddHostedService(sp => sp.GetRequiredService<UdpListener>());
        services.AddHostedService<DeadlineSweeper>();

        var app = builder.Build();
        app.MapEdgeHealth();
        return app;
    }

    /// <summary>Exposed for tests and the health probe: the options as bound.</summary>
    public static EdgeOptions Options(this WebApplication app) => app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
}
