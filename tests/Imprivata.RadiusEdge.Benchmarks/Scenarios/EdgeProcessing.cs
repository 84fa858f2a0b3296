using System.Diagnostics;
using System.Net;
using System.Text;
using Imprivata.RadiusEdge.Benchmarks.Hosts;
using Imprivata.RadiusEdge.Benchmarks.Load;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.Testing.Radius;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.RadiusEdge.Benchmarks.Scenarios;

public sealed record EdgeProcessingResult(
    double InProcessCodecAndCache, long CacheHits, long CacheLookups,
    double InProcessHandler, double ExchangeLogLines,
    ClosedLoopResult EdgeUdp, ClosedLoopResult? FreeRadiusCached, ClosedLoopResult? FreeRadiusFresh, string? FreeRadiusError,
    int Outstanding);

/// <summary>
/// Edge processing of retransmissions of answered requests (decode, Message-Authenticator verify, reply-cache hit,
/// reply sent): in process through the production classes, then over UDP from <see cref="NasFleet"/>; then FreeRADIUS
/// answering the same retransmissions from its own cache (and, for reference, fresh PAP requests from its users file).
/// </summary>
public static class EdgeProcessing
{
    public const string Secret = "bench-shared-secret-0123456789";
    private const string FreeRadiusUser = "bob", FreeRadiusPassword = "hello-bench";
    private const int Ports = 16, IdsPerPort = 16;
    private const int Rounds = 3;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.5), Round = TimeSpan.FromSeconds(3), Retry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan InProcess = TimeSpan.FromSeconds(3);

    public static async Task<EdgeProcessingResult> RunAsync(AzuriteProcess azurite, Action<string> say)
    {
        var secret = Encoding.UTF8.GetBytes(Secret);
        await using var edge = await EdgeUnderTest.StartAsync(azurite.ConnectionString, Secret, pollInterval: null);
        await using var backend = new BackendDouble(azurite.ConnectionString, edge, holding: false);
        await using var edgeFleet = new NasFleet(new IPEndPoint(IPAddress.Loopback, edge.Port), Ports, IdsPerPort, secret);
        say($"edge: priming the reply cache with {edgeFleet.Count} requests answered by the backend double over Azurite");
        await PrimeAsync(edgeFleet, i => AccessRequests.Pap(secret, edgeFleet.IdentifierOf(i), "bench-" + i, "password-" + i));

        var (codecRate, hits, lookups) = CodecAndCache(edge, edgeFleet);
        say($"edge in process, codec + reply cache: {codecRate:N0} packets/s ({hits:N0} of {lookups:N0} lookups were cache hits)");
        var handlerRate = await HandlerAsync(edge, edgeFleet);
        say($"edge in process, RequestHandler (incl. exchange log line and reply send): {handlerRate:N0} packets/s");
        var logRate = await ExchangeLogLinesAsync(edge, edgeFleet.SourceOf(0));
        say($"edge in process, the exchange log's RESEND line alone (recorded, formatted, written to its file): {logRate:N0} lines/s");
        await edgeFleet.WaitAllAnsweredAsync(Retry, TimeSpan.FromSeconds(2));

        if (!FreeRadiusServer.Installed)
        {
            var alone = await edgeFleet.RunClosedLoopAsync(WarmUp, Round, Retry);
            return new(codecRate, hits, lookups, handlerRate, logRate, alone, null, null, "freeradius is not installed", Ports * IdsPerPort);
        }
        FreeRadiusServer server;
        try
        {
            server = await FreeRadiusServer.StartAsync(Secret, FreeRadiusUser, FreeRadiusPassword);
            ChildProcesses.Track(server.Process); // the watchdog stops it too
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            var alone = await edgeFleet.RunClosedLoopAsync(WarmUp, Round, Retry);
            return new(codecRate, hits, lookups, handlerRate, logRate, alone, null, null, ex.Message, Ports * IdsPerPort);
        }
        await using (server)
        {
            await using var radiusFleet = new NasFleet(new IPEndPoint(IPAddress.Loopback, server.Port), Ports, IdsPerPort, secret);
            say($"FreeRADIUS on udp/{server.Port}: priming its reply cache with {radiusFleet.Count} PAP requests");
            await PrimeAsync(radiusFleet, i => AccessRequests.Pap(secret, radiusFleet.IdentifierOf(i), FreeRadiusUser, FreeRadiusPassword));

            // Alternating rounds, so that the shared machine's load swings hit both servers alike; the median round counts.
            // Who goes first alternates too (a round right after priming or after the other server's round is not favoured).
            var edgeRounds = new List<ClosedLoopResult>();
            var radiusRounds = new List<ClosedLoopResult>();
            for (var round = 1; round <= Rounds; round++)
            {
                if (round % 2 == 1)
                {
                    edgeRounds.Add(await edgeFleet.RunClosedLoopAsync(WarmUp, Round, Retry));
                    radiusRounds.Add(await radiusFleet.RunClosedLoopAsync(WarmUp, Round, Retry));
                }
                else
                {
                    radiusRounds.Add(await radiusFleet.RunClosedLoopAsync(WarmUp, Round, Retry));
                    edgeRounds.Add(await edgeFleet.RunClosedLoopAsync(WarmUp, Round, Retry));
                }
                say($"round {round}: edge {edgeRounds[^1].PerSecond:N0} replies/s (timeouts {edgeRounds[^1].Timeouts}, bad {edgeRounds[^1].BadReplies}), " +
                    $"FreeRADIUS {radiusRounds[^1].PerSecond:N0} replies/s (timeouts {radiusRounds[^1].Timeouts}, bad {radiusRounds[^1].BadReplies})");
            }
            var fresh = await radiusFleet.RunClosedLoopAsync(WarmUp, Round, Retry,
                i => AccessRequests.Pap(secret, radiusFleet.IdentifierOf(i), FreeRadiusUser, FreeRadiusPassword));
            say($"FreeRADIUS, fresh PAP requests (users file): {fresh.PerSecond:N0} replies/s (timeouts {fresh.Timeouts}, bad {fresh.BadReplies})");
            return new(codecRate, hits, lookups, handlerRate, logRate, Median(edgeRounds), Median(radiusRounds), fresh, null, Ports * IdsPerPort);
        }
    }

    private static ClosedLoopResult Median(List<ClosedLoopResult> rounds) => rounds.OrderBy(r => r.PerSecond).ElementAt(rounds.Count / 2);

    private static async Task PrimeAsync(NasFleet fleet, Func<int, AccessRequests.Built> request)
    {
        // 32 at a time, each batch answered before the next: on a loaded machine a burst of 256 through Azurite makes the
        // edge's queue sends time out, and every retransmission then adds queue traffic (see the README, Azurite under load).
        var budget = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(90);
        for (var first = 0; first < fleet.Count; first += 32)
        {
            for (var i = first; i < Math.Min(first + 32, fleet.Count); i++)
                fleet.Send(i, request(i));
            var left = limit - budget.Elapsed;
            if (left <= TimeSpan.Zero || !await fleet.WaitAllAnsweredAsync(TimeSpan.FromSeconds(2), left))
                throw new InvalidOperationException($"Priming failed: {fleet.Answered} of {fleet.Count} answered in {budget.Elapsed.TotalSeconds:N0} s.");
        }
    }

    /// <summary>
    /// What the handler does for a retransmission, minus I/O and logging: client lookup, read and verify (Message-Authenticator
    /// included), RFC 5080 key, cache. The password of a retransmission is not revealed (the handler reveals it for new requests only).
    /// </summary>
    private static (double Rate, long Hits, long Lookups) CodecAndCache(EdgeUnderTest edge, NasFleet fleet)
    {
        var clients = edge.Services.GetRequiredService<NasClientDirectory>();
        var duplicates = edge.Services.GetRequiredService<DuplicateCache>();
        var maxHold = edge.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EdgeOptions>>().Value.MaxHold;
        var inputs = Enumerable.Range(0, fleet.Count).Select(i => (fleet.RequestOf(i)!.Datagram, fleet.SourceOf(i))).ToArray();
        long hits = 0, n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < InProcess)
        {
            for (var k = 0; k < 1024; k++, n++)
            {
                var (datagram, source) = inputs[n % inputs.Length];
                var client = clients.Find(source.Address)!;
                var verified = AccessRequestDecoder.ReadAndVerify(datagram, client.Policy);
                if (!verified.IsSuccess)
                    continue;
                if (duplicates.Begin(RequestKey.Of(source, verified.Value), maxHold).Status == DuplicateStatus.Replied)
                    hits++;
            }
        }
        return (n / clock.Elapsed.TotalSeconds, hits, n);
    }

    /// <summary>
    /// The line the handler records for every answered retransmission, alone, until written and flushed to the edge's
    /// exchange-log file (batches of 4,096 lines, each waited for, so that none is lost to a full queue).
    /// </summary>
    private static async Task<double> ExchangeLogLinesAsync(EdgeUnderTest edge, IPEndPoint source)
    {
        var log = edge.Services.GetRequiredService<Imprivata.RadiusEdge.Logging.ExchangeLog>();
        long n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            for (var k = 0; k < 4096; k++, n++)
                log.Resent((byte)k, source, "bench-nas");
            await log.FlushAsync();
        }
        return n / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The production handler end to end (replies really go out to the fleet's sockets), one datagram at a time.</summary>
    private static async Task<double> HandlerAsync(EdgeUnderTest edge, NasFleet fleet)
    {
        var handler = edge.Services.GetRequiredService<RequestHandler>();
        var inputs = Enumerable.Range(0, fleet.Count).Select(i => (fleet.RequestOf(i)!.Datagram, fleet.SourceOf(i))).ToArray();
        long n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < InProcess)
        {
            for (var k = 0; k < 256; k++, n++)
            {
                var (datagram, source) = inputs[n % inputs.Length];
                await handler.HandleAsync(datagram, source, CancellationToken.None);
            }
            await Task.Yield(); // let the fleet's receivers drain the replies
        }
        return n / clock.Elapsed.TotalSeconds;
    }
}
