using System.Diagnostics;
using System.Net;
using System.Text;
using Imprivata.RadiusEdge.Benchmarks.Hosts;
using Imprivata.RadiusEdge.Benchmarks.Load;

namespace Imprivata.RadiusEdge.Benchmarks.Scenarios;

public sealed record QueueEndToEndResult(
    TimeSpan PollInterval, double OfferedPerSecond, double AnsweredPerSecond /* over the sending window */, int Sent, int Answered, int BridgeMessages,
    double P50, double P90, double P99, double Max, int BackendErrors, string EdgeHealth);

/// <summary>
/// Fresh Access-Requests at a paced rate through the whole path: UDP -> edge -> Azurite request queue -> instant backend
/// double -> the edge's reply queue (polled every <c>RadiusEdge:Bridge:PollInterval</c> when empty) -> UDP reply.
/// No retransmissions, so every latency is one trip; a request without a reply 8 s after the last send is lost.
/// </summary>
public static class QueueEndToEnd
{
    private const int Ports = 20, IdsPerPort = 256;
    private static readonly TimeSpan StragglerWait = TimeSpan.FromSeconds(8);

    public static async Task<QueueEndToEndResult> RunAsync(AzuriteProcess azurite, TimeSpan? pollInterval, int rate, TimeSpan duration,
        Action<string> say)
    {
        var secret = Encoding.UTF8.GetBytes(EdgeProcessing.Secret);
        await using var edge = await EdgeUnderTest.StartAsync(azurite.ConnectionString, EdgeProcessing.Secret, pollInterval);
        await using var backend = new BackendDouble(azurite.ConnectionString, edge, holding: false);
        await using var fleet = new NasFleet(new IPEndPoint(IPAddress.Loopback, edge.Port), Ports, IdsPerPort, secret);
        var total = (int)(rate * duration.TotalSeconds);
        if (total + 100 > fleet.Count)
            throw new ArgumentException("Not enough distinct (port, Identifier) pairs for that rate and duration.");

        // Warm-up (JIT, HTTP connections to Azurite): 100 requests at the same pace, not measured.
        await PaceAsync(fleet, secret, 0, 100, rate);
        await fleet.WaitAllAnsweredAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        var before = backend.Received;

        say($"end to end (PollInterval {edge.PollInterval.TotalMilliseconds:N0} ms): {total} requests at {rate}/s for {duration.TotalSeconds:N0} s");
        var clock = Stopwatch.StartNew();
        await PaceAsync(fleet, secret, 100, total, rate);
        var sending = clock.Elapsed;
        var measured = Enumerable.Range(100, total).ToArray();
        var deadline = Stopwatch.StartNew();
        while (fleet.LatenciesMs(measured).Length < total && deadline.Elapsed < StragglerWait)
            await Task.Delay(50);
        var latencies = fleet.LatenciesMs(measured);
        return new QueueEndToEndResult(edge.PollInterval, total / sending.TotalSeconds, latencies.Length / sending.TotalSeconds,
            total, latencies.Length, backend.Received - before,
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 90), Stats.Percentile(latencies, 99),
            latencies.Length == 0 ? double.NaN : latencies.Max(), backend.Errors, edge.Health() + "; exchange log: " + edge.ExchangeSummary());
    }

    /// <summary>Open loop: sends slot <paramref name="first"/>.. at <paramref name="rate"/> per second, catching up after a late timer.</summary>
    private static async Task PaceAsync(NasFleet fleet, byte[] secret, int first, int count, int rate)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < count)
        {
            var due = Math.Min(count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var slot = first + sent;
                fleet.Send(slot, AccessRequests.Pap(secret, fleet.IdentifierOf(slot), "e2e-" + slot, "password-" + slot));
            }
            await Task.Delay(1);
        }
    }
}
