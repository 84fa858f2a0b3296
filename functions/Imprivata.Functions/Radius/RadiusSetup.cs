using Azure.Security.KeyVault.Keys;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.Radius;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Keys;
using Imprivata.Functions.Radius.Edges;
using Imprivata.Functions.Radius.ServiceBus;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Radius;
using Imprivata.Storage.Secrets;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Remote access over RADIUS, the backend half: requests from the "RadiusRequestQueue" entity (app setting, default
/// "radius-requests", the edges' <c>Bridge:RequestQueue</c>) on the bus "Imprivata:Radius:Bus" chooses (the RadiusRequest
/// queue function on Storage Queues, or the RadiusRequestServiceBus function on Service Bus), decisions back on the same bus, client
/// profiles and the request state in Tables, the seal key (Key Vault key "Imprivata:Radius:KeyVaultSealKeyName" with
/// keyvault, else a software key in the Secrets table) and its endpoint. Options: "Imprivata:Radius" (<see cref="RadiusOptions"/>).
/// </summary>
public static class RadiusSetup
{
    public const string RequestQueueSetting = "RadiusRequestQueue";
    public const string DefaultRequestQueue = "radius-requests";

    public static void AddRadius(this WebApplicationBuilder builder, HostingMode mode)
    {
        var options = new RadiusOptions();
        builder.Configuration.GetSection(RadiusOptions.Section).Bind(options);
        options.Validate();
        // The queue function's %RadiusRequestQueue% must resolve in standalone mode too.
        if (string.IsNullOrEmpty(builder.Configuration[RequestQueueSetting]))
            builder.Configuration[RequestQueueSetting] = DefaultRequestQueue;

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<IRadiusClientStore, TableRadiusClientStore>();
        services.AddSingleton<IRadiusExchangeStore, TableRadiusExchangeStore>();
        services.AddSingleton<IRadiusChallengeStore, TableRadiusChallengeStore>();
        services.AddSingleton<IRadiusPushWaitStore, TableRadiusPushWaitStore>();
        services.AddSingleton<IRadiusEdgeStore, TableRadiusEdgeStore>();
        services.AddSingleton<IEdgeIntegrationTokenStore, TableEdgeIntegrationTokenStore>();
        services.AddSingleton<IEdgeIntegrationId, TableEdgeIntegrationId>();
        services.AddSingleton<RadiusEdgeGate>();
        services.AddSingleton<EdgeConnections>();
        services.AddSingleton<EdgeConfiguration>();
        services.AddSingleton<EdgeAdministration>();
        AddSealKey(builder, options);
        AddBus(builder, options, mode);
        services.AddSingleton<RadiusAnswers>();
        services.AddSingleton<RadiusRetransmissions>();
        services.AddSingleton<RadiusChallenges>();
        services.AddSingleton<RadiusPushes>();
        services.AddSingleton<IPushOutcomeListener>(sp => sp.GetRequiredService<RadiusPushes>());
        services.AddSingleton<RadiusFirstFactor>();
        services.AddSingleton<RadiusSecondFactor>();
        services.AddSingleton<AcceptAttributes>();
        services.AddSingleton<RadiusDecisions>();
        services.AddSingleton<RadiusClientRules>();
        // Both adapters answer what reaches them; which trigger runs is the deployment's choice (AzureWebJobs.<name>.Disabled).
        services.AddFunctionHandler<RadiusRequestFunction>();
        services.AddFunctionHandler<RadiusRequestServiceBusFunction>();
        services.AddSingleton<IPurgeTask, RadiusPurge>();
        // A gateway waits for each answer: the pump polls this queue far more often than the host's 2 s default.
        services.PostConfigure<HostingOptions>(hosting => hosting.QueuePolling.TryAdd(RadiusRequestFunction.Name,
            new QueuePolling { MaxPollingInterval = options.PollInterval, BatchSize = options.BatchSize }));
    }

    public static void MapRadius(this WebApplication app)
    {
        app.MapSealKey();
        app.MapEdgeEndpoints();
    }

    /// <summary>
    /// The reply channel of the chosen bus. Standalone, the pump reads only that bus: the other trigger is switched off the
    /// way the host does it (its AzureWebJobs.&lt;name&gt;.Disabled setting), unless the configuration says otherwise.
    /// </summary>
    private static void AddBus(WebApplicationBuilder builder, RadiusOptions options, HostingMode mode)
    {
        var services = builder.Services;
        var idle = options.Bus == RadiusBus.ServiceBus ? RadiusRequestFunction.Name : RadiusRequestServiceBusFunction.Name;
        if (mode.IsStandalone && string.IsNullOrEmpty(builder.Configuration[FunctionCatalog.DisabledSetting(idle)]))
            builder.Configuration[FunctionCatalog.DisabledSetting(idle)] = "true";
        if (options.Bus == RadiusBus.StorageQueues)
        {
            services.AddSingleton<IRadiusReplyChannel, StorageQueueRadiusReplies>();
            return;
        }
        // Managed identity in Azure (AZURE_CLIENT_ID names it), developer credentials locally, as for Key Vault.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton(sp => new RadiusServiceBusConnection(options.ServiceBus, sp.GetRequiredService<TokenCredential>));
        services.AddSingleton<IRadiusReplyChannel, ServiceBusRadiusReplies>();
        if (mode.IsStandalone)
            services.AddHostedService<RadiusServiceBusPump>();
    }

    private static void AddSealKey(WebApplicationBuilder builder, RadiusOptions options)
    {
        var service = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();
        if (string.Equals(service.KeyProvider.Trim(), KeyRingSetup.KeyVaultProvider, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.KeyVaultSealKeyName)
                || options.KeyVaultSealKeyName == service.KeyVaultKeyName || options.KeyVaultSealKeyName == service.KeyVaultWrapKeyName)
                throw new InvalidOperationException(
                    "Imprivata:Radius:KeyVaultSealKeyName must name an RSA key of its own (unwrapKey) when Imprivata:KeyProvider is keyvault.");
            // The vault client the key ring registered: the same vault, credential and request policies.
            builder.Services.AddSingleton<IRadiusSealKey>(sp =>
                new KeyVaultRadiusSealKey(sp.GetRequiredService<KeyClient>(), options.KeyVaultSealKeyName, sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            builder.Services.AddSingleton<IRadiusSealKey, SoftwareRadiusSealKey>();
        }
    }
}

/// <summary>RADIUS request state past its use, with the PurgeExpired timer: exchanges, push waits and integration tokens a day after, challenges once expired.</summary>
internal sealed class RadiusPurge(IRadiusExchangeStore exchanges, IRadiusChallengeStore challenges, IRadiusPushWaitStore waits,
    IEdgeIntegrationTokenStore edgeTokens) : IPurgeTask
{
    /// <summary>Far beyond any retransmission, hold or report of a stuck request.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);

    public string Name => "radius-requests";

    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) =>
        await exchanges.PurgeAsync(now - KeepFor, ct).ConfigureAwait(false)
        + await challenges.PurgeAsync(now, ct).ConfigureAwait(false)
        + await waits.PurgeAsync(now - KeepFor, ct).ConfigureAwait(false)
        + await edgeTokens.PurgeAsync(now - KeepFor, ct).ConfigureAwait(false);
}
