using Imprivata.RadiusEdge.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imprivata.RadiusEdge.Bridge;

/// <summary>Prepares the bridge at start, then feeds its decisions to the <see cref="DecisionHandler"/>.</summary>
public sealed class BridgeService(IBridge bridge, DecisionHandler decisions, ILogger<BridgeService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await bridge.StartAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await bridge.ReceiveAsync(decisions.HandleAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Bridge receiver stopped");
        }
    }
}
