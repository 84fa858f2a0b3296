using System.Diagnostics;
using Azure.Storage.Queues;
using Imprivata.RadiusEdge.Benchmarks.Hosts;

namespace Imprivata.RadiusEdge.Benchmarks.Scenarios;

public sealed record AzuriteBaselineResult(double SendP50Ms, double SendP99Ms, double ParallelSendsPerSecond, double ReceiveDeletePerSecond);

/// <summary>
/// What the queue service alone delivers on this machine, with no edge involved: one-at-a-time send latency, 16-wide
/// send throughput, and receive(32) + delete-one-by-one throughput (the edge's reply loop shape). Explains section 3.
/// </summary>
public static class AzuriteBaseline
{
    public static async Task<AzuriteBaselineResult> RunAsync(AzuriteProcess azurite)
    {
        var queue = new QueueClient(azurite.ConnectionString, "baseline-" + Guid.NewGuid().ToString("N")[..8],
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateAsync();
        var body = new string('x', 1200); // about the size of an authenticate message

        var latencies = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await queue.SendMessageAsync(body);
            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        // At most 1,000 messages (or 3 s): Azurite's own costs grow with the queue's length, and the edge's queues stay short.
        long sent = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(3) && Interlocked.Increment(ref sent) <= 1000)
                await queue.SendMessageAsync(body);
        }));
        var sendRate = Math.Min(sent, 1000) / clock.Elapsed.TotalSeconds;

        long handled = 0;
        clock.Restart();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            var messages = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
            if (messages.Length == 0)
                break;
            foreach (var m in messages)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
                handled++;
            }
        }
        var receiveRate = handled / clock.Elapsed.TotalSeconds;
        await queue.ClearMessagesAsync();
        await queue.DeleteAsync();
        return new AzuriteBaselineResult(Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99), sendRate, receiveRate);
    }
}
