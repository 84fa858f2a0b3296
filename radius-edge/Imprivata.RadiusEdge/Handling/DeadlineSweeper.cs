using Imprivata.RadiusEdge.Logging;
using Microsoft.Extensions.Hosting;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>
/// Ends requests whose deadline passed without a decision: no answer (a timeout means silence, so the NAS fails over
/// or reports a timeout), and their retransmissions stay unanswered while remembered.
/// </summary>
public sealed class DeadlineSweeper(PendingTable pending, DuplicateCache duplicates, ExchangeLog exchange, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Sweep();
        }
        foreach (var request in pending.TakeAll())
            exchange.NoAnswer(request.Source, request.Client.Name, request.UserName, request.RequestId, "shutdown");
    }

    public void Sweep()
    {
        foreach (var request in pending.TakeExpired(time.GetUtcNow()))
        {
            duplicates.Complete(request.Key, null);
            exchange.NoAnswer(request.Source, request.Client.Name, request.UserName, request.RequestId, "deadline_expired");
        }
    }
}
