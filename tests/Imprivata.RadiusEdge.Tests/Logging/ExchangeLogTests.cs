using System.Net;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Logging;

public sealed class ExchangeLogTests : IDisposable
{
    private static readonly IPEndPoint Nas = new(IPAddress.Parse("10.0.0.5"), 40000);
    private readonly string _folder = Directory.CreateTempSubdirectory("exchange-log-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero));

    private string PathOf => Path.Combine(_folder, "exchange.log");

    [Fact]
    public async Task Dispose_ManyQueuedLines_WritesEveryLineInOrder()
    {
        var log = new ExchangeLog(Options.Create(new EdgeOptions { ExchangeLogPath = PathOf }), NullLogger<ExchangeLog>.Instance, _time);

        for (var i = 0; i < 5_000; i++)
            log.Resent((byte)i, Nas, "vpn-" + i);
        await log.DisposeAsync();

        var lines = await File.ReadAllLinesAsync(PathOf);
        Assert.Equal(5_000, lines.Length);
        Assert.Equal("2025-03-04T05:06:07.890Z RESEND cached-reply id=0 to=10.0.0.5:40000 nas=\"vpn-0\" reason=duplicate_after_reply", lines[0]);
        Assert.EndsWith("nas=\"vpn-4999\" reason=duplicate_after_reply", lines[^1]);
        Assert.Equal(0, log.LostLines);
    }

    [Fact]
    public async Task Lines_AttackerText_EscapedOnOneLineWithTheVendorFormats()
    {
        await using var log = new ExchangeLog(Options.Create(new EdgeOptions { ExchangeLogPath = PathOf }), NullLogger<ExchangeLog>.Instance, _time);
        var packet = PacketReader.Read(TestRequests.AccessRequest("unit-test-shared-secret-22", 9, "nemo", "pw")).Value;

        log.Received(packet, Nas, "vpn", "eve\r\nSEND Access-Accept", "r1");
        log.Sent(RadiusCode.AccessReject, 9, Nas, "vpn", null, null, "chap_unsupported");
        log.Dropped(Nas, null, null, "datagram_too_short");
        log.NoAnswer(Nas, "vpn", "nemo", "r2", "deadline_expired");
        log.UnknownNas(IPAddress.Parse("192.0.2.1"));
        await log.FlushAsync();

        var lines = (await File.ReadAllLinesAsync(PathOf)).Select(l => l[25..]).ToArray();
        Assert.Equal(
        [
            "RECV Access-Request id=9 from=10.0.0.5:40000 nas=\"vpn\" user=\"eve\\r\\nSEND Access-Accept\" request=r1",
            "SEND Access-Reject id=9 to=10.0.0.5:40000 nas=\"vpn\" user=\"-\" request=- reason=chap_unsupported",
            "DROP id=- from=10.0.0.5:40000 nas=\"-\" request=- reason=datagram_too_short",
            "NOANSWER to=10.0.0.5:40000 nas=\"vpn\" user=\"nemo\" request=r2 reason=deadline_expired",
            "Source IP address 192.0.2.1 does not have a NAS entry",
        ], lines);
    }

    [Fact]
    public async Task Record_QueueFullWhileWriterIsStuck_CountsLostLinesWithoutBlockingAndReportsThem()
    {
        // Console mode (no file): the writer hands each line to the logger, which holds the first line until released.
        var logger = new GatedLogger();
        var log = new ExchangeLog(Options.Create(new EdgeOptions { ExchangeLogQueue = 4 }), logger, _time);

        log.Resent(0, Nas, "vpn");
        Assert.True(logger.Entered.Wait(TimeSpan.FromSeconds(10)), "the writer never took the first line");
        for (var i = 1; i <= 10; i++)
            log.Resent((byte)i, Nas, "vpn"); // 4 fit in the queue, 6 are lost; none of these calls waits
        Assert.Equal(6, log.LostLines);
        logger.Release.Set();
        await log.FlushAsync();

        Assert.Equal(5, logger.Lines.Count(l => l.StartsWith("RESEND", StringComparison.Ordinal)));
        Assert.Contains("LOST lines=6 reason=exchange_log_queue_full", logger.Lines);
        await log.DisposeAsync();
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private sealed class GatedLogger : ILogger<ExchangeLog>
    {
        public readonly ManualResetEventSlim Entered = new(), Release = new();
        public readonly List<string> Lines = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
            lock (Lines)
                Lines.Add(formatter(state, exception));
        }
    }
}
