using Azure.Security.KeyVault.Keys;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.Radius;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Keys;
using Imprivata.Functions.Radius.Edges;
using Imprivata.Storage.KeyVault;
using Imprivata.Storage.Radius;
using Imprivata.Storage.Secrets;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Remote access over RADIUS, the backend half: the RadiusRequest queue function on the "RadiusRequestQueue" queue (app
/// setting, default "radius-requests", the edges' <c>Bridge:RequestQueue</c>), decisions on each edge's reply queue, client
/// profiles and the request state in Tables, the seal key (Key Vault key "Imprivata:Radius:KeyVaultSealKeyName" with
/// keyvault, else a software key in the Secrets table) and its endpoint. Options: "Imprivata:Radius" (<see cref="RadiusOptions"/>).
/// </summary>
public static class RadiusSetup
{
    public const string RequestQueueSetting = "RadiusRequestQueue";
    public const string DefaultRequestQueue = "radius-requests";

    public static void AddRadius(this WebApplicationBuilder builder)
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
        services.AddSingleton<IRadiusReplyChannel, StorageQueueRadiusReplies>();
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
        services.AddFunctionHandler<RadiusRequestFunction>();
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
