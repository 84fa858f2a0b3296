using System.Diagnostics;
using System.Net;
using System.Text;
using Imprivata.RadiusEdge.Benchmarks.Hosts;
using Imprivata.RadiusEdge.Benchmarks.Load;
using Imprivata.RadiusEdge.Handling;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.RadiusEdge.Benchmarks.Scenarios;

public sealed record HeldRequestsResult(
    int Requests, int ReachedBackend, int DistinctAtBackend, int DuplicatesAtBridge, int PendingAtEdge, int Answered,
    long Retransmissions, long DuplicateReplies, long BadReplies, TimeSpan ReleaseToLastReply, TimeSpan Held);

/// <summary>
/// 1,000 concurrent requests held by the backend double (nothing answered) while the NAS retransmits every 3 s, as a
/// gateway does; then the double answers all of them at once. Counts replies at the NAS and messages at the bridge.
/// </summary>
public static class HeldRequests
{
    private const int Ports = 4, IdsPerPort = 250;
    private static readonly TimeSpan NasRetry = TimeSpan.FromSeconds(3), HoldFor = TimeSpan.FromSeconds(4);

    public static async Task<HeldRequestsResult> RunAsync(AzuriteProcess azurite, Action<string> say)
    {
        var secret = Encoding.UTF8.GetBytes(EdgeProcessing.Secret);
        await using var edge = await EdgeUnderTest.StartAsync(azurite.ConnectionString, EdgeProcessing.Secret, pollInterval: null);
        await using var backend = new BackendDouble(azurite.ConnectionString, edge, holding: true);
        await using var fleet = new NasFleet(new IPEndPoint(IPAddress.Loopback, edge.Port), Ports, IdsPerPort, secret);
        var requests = fleet.Count;

        say($"held: sending {requests} requests over 1 s; the backend double holds them");
        var held = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            fleet.Send(i, AccessRequests.Pap(secret, fleet.IdentifierOf(i), "held-" + i, "password-" + i));
            if (i % 10 == 9)
                await Task.Delay(10);
        }
        var pendingTable = edge.Services.GetRequiredService<PendingTable>();
        var wait = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        while ((backend.Received < requests || held.Elapsed < HoldFor) && wait.Elapsed < TimeSpan.FromSeconds(20))
        {
            fleet.ResendUnanswered(NasRetry);
            await Task.Delay(50);
            if (progress.Elapsed > TimeSpan.FromSeconds(3))
            {
                progress.Restart();
                say($"held: {backend.Received} bridge messages, {pendingTable.Count} pending at the edge, thread pool {ThreadPool.ThreadCount} threads / " +
                    $"{ThreadPool.PendingWorkItemCount} queued, process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:N1} s");
            }
        }
        var pending = pendingTable.Count;
        var reached = backend.Received;
        say($"held: {reached} bridge messages, {pending} pending at the edge after {held.Elapsed.TotalSeconds:N1} s; releasing");

        var heldFor = held.Elapsed;
        var release = Stopwatch.StartNew();
        await backend.ReleaseAllAsync(parallel: 16);
        await fleet.WaitAllAnsweredAsync(NasRetry, TimeSpan.FromSeconds(20));
        var lastReply = release.Elapsed;
        await Task.Delay(500); // late duplicates, if any, arrive now
        var byUser = backend.ByUser;
        return new HeldRequestsResult(requests, backend.Received, byUser.Count, byUser.Values.Sum(v => v - 1), pending, fleet.Answered,
            fleet.Resends, fleet.DuplicateReplies, fleet.BadReplies, lastReply, heldFor);
    }
}
