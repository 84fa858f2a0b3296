using System.Diagnostics;
using System.Net;
using System.Text;
using Imprivata.RadiusEdge.Benchmarks.Hosts;
using Imprivata.RadiusEdge.Benchmarks.Load;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Protocol;
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
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1), Measure = TimeSpan.FromSeconds(8), Retry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan InProcess = TimeSpan.FromSeconds(3);

    public static async Task<EdgeProcessingResult> RunAsync(AzuriteQueues azurite, Action<string> say)
    {
        var secret = Encoding.UTF8.GetBytes(Secret);
        double codecRate, handlerRate, logRate;
        long hits, lookups;
        ClosedLoopResult edgeUdp;
        await using (var edge = await EdgeUnderTest.StartAsync(azurite.ConnectionString, Secret, pollInterval: null))
        await using (var backend = new BackendDouble(azurite.ConnectionString, edge, holding: false))
        await using (var fleet = new NasFleet(new IPEndPoint(IPAddress.Loopback, edge.Port), Ports, IdsPerPort, secret))
        {
            say($"edge: priming the reply cache with {fleet.Count} requests answered by the backend double over Azurite");
            await PrimeAsync(fleet, i => AccessRequests.Pap(secret, fleet.IdentifierOf(i), "bench-" + i, "password-" + i));

            (codecRate, hits, lookups) = CodecAndCache(edge, fleet);
            say($"edge in process, codec + reply cache: {codecRate:N0} packets/s ({hits:N0} of {lookups:N0} lookups were cache hits)");
            handlerRate = await HandlerAsync(edge, fleet);
            say($"edge in process, RequestHandler (incl. exchange log line and reply send): {handlerRate:N0} packets/s");
            logRate = ExchangeLogLines(edge, fleet.SourceOf(0));
            say($"edge in process, the exchange log's RESEND line alone (file, AutoFlush): {logRate:N0} lines/s");
            await fleet.WaitAllAnsweredAsync(Retry, TimeSpan.FromSeconds(2));

            edgeUdp = await fleet.RunClosedLoopAsync(WarmUp, Measure, Retry);
            say($"edge over UDP, {fleet.Count} outstanding: {edgeUdp.PerSecond:N0} replies/s (timeouts {edgeUdp.Timeouts}, bad {edgeUdp.BadReplies})");
        }

        if (!FreeRadiusServer.Installed)
            return new(codecRate, hits, lookups, handlerRate, logRate, edgeUdp, null, null, "freeradius is not installed", Ports * IdsPerPort);
        try
        {
            await using var server = await FreeRadiusServer.StartAsync(Secret, FreeRadiusUser, FreeRadiusPassword);
            await using var fleet = new NasFleet(new IPEndPoint(IPAddress.Loopback, server.Port), Ports, IdsPerPort, secret);
            say($"FreeRADIUS on udp/{server.Port}: priming its reply cache with {fleet.Count} PAP requests");
            await PrimeAsync(fleet, i => AccessRequests.Pap(secret, fleet.IdentifierOf(i), FreeRadiusUser, FreeRadiusPassword));
            var cached = await fleet.RunClosedLoopAsync(WarmUp, Measure, Retry);
            say($"FreeRADIUS, retransmissions of answered requests: {cached.PerSecond:N0} replies/s (timeouts {cached.Timeouts}, bad {cached.BadReplies})");
            var fresh = await fleet.RunClosedLoopAsync(WarmUp, Measure, Retry,
                i => AccessRequests.Pap(secret, fleet.IdentifierOf(i), FreeRadiusUser, FreeRadiusPassword));
            say($"FreeRADIUS, fresh PAP requests (users file): {fresh.PerSecond:N0} replies/s (timeouts {fresh.Timeouts}, bad {fresh.BadReplies})");
            return new(codecRate, hits, lookups, handlerRate, logRate, edgeUdp, cached, fresh, null, Ports * IdsPerPort);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            return new(codecRate, hits, lookups, handlerRate, logRate, edgeUdp, null, null, ex.Message, Ports * IdsPerPort);
        }
    }

    private static async Task PrimeAsync(NasFleet fleet, Func<int, AccessRequests.Built> request)
    {
        for (var i = 0; i < fleet.Count; i++)
        {
            fleet.Send(i, request(i));
            if (i % 32 == 31)
                await Task.Delay(5); // a burst of hundreds would overflow the server's default socket buffer
        }
        if (!await fleet.WaitAllAnsweredAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"Priming failed: {fleet.Answered} of {fleet.Count} answered.");
    }

    /// <summary>What the handler does for a retransmission, minus I/O and logging: client lookup, decode, RFC 5080 key, cache.</summary>
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
                var decoded = AccessRequestDecoder.Decode(datagram, client.Policy);
                if (!decoded.IsSuccess)
                    continue;
                if (duplicates.Begin(RequestKey.Of(source, decoded.Value.Packet), maxHold).Status == DuplicateStatus.Replied)
                    hits++;
            }
        }
        return (n / clock.Elapsed.TotalSeconds, hits, n);
    }

    /// <summary>The line the handler writes for every answered retransmission, alone (the edge's exchange log as configured).</summary>
    private static double ExchangeLogLines(EdgeUnderTest edge, IPEndPoint source)
    {
        var log = edge.Services.GetRequiredService<Imprivata.RadiusEdge.Logging.ExchangeLog>();
        long n = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
            for (var k = 0; k < 256; k++, n++)
                log.Resent((byte)k, source, "bench-nas");
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
