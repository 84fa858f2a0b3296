using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Imprivata.RadiusEdge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Logging;

/// <summary>
/// One line per request and per reply (or drop / no answer) with a reason code, in the spirit of the vendor's
/// serverProxy.log. Never a password or secret; every attacker-controlled value escaped (CR/LF never split a line).
/// Written to <see cref="EdgeOptions.ExchangeLogPath"/> when set, otherwise to the logger.
/// </summary>
/// <remarks>
/// The packet path only records the values (a bounded queue, no formatting, no I/O); one writer formats the lines and
/// writes them in batches, flushing whenever the queue runs empty. A full queue never blocks the receiver: the line is
/// counted and the count is written as a LOST line. Dispose writes every queued line before closing the file.
/// </remarks>
public sealed class ExchangeLog : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(10);
    private readonly ILogger<ExchangeLog> _logger;
    private readonly TimeProvider _time;
    private readonly StreamWriter? _file;
    private readonly LogRateLimiter _limiter;
    private readonly Channel<ExchangeEntry> _queue;
    private readonly Task _writer;
    private readonly StringBuilder _line = new(256);
    private long _lost, _lostTotal;

    public ExchangeLog(IOptions<EdgeOptions> options, ILogger<ExchangeLog> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        _limiter = new LogRateLimiter(time, TimeSpan.FromSeconds(10));
        var path = options.Value.ExchangeLogPath;
        if (!string.IsNullOrWhiteSpace(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            // Buffered: the writer flushes once per batch, not once per line.
            _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false), 64 * 1024);
        }
        _queue = Channel.CreateBounded<ExchangeEntry>(new BoundedChannelOptions(Math.Max(1, options.Value.ExchangeLogQueue))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of waiting: the line is counted as lost
        });
        _writer = Task.Run(WriteLinesAsync);
    }

    /// <summary>Lines lost because the queue was full (since start).</summary>
    public long LostLines => Interlocked.Read(ref _lostTotal);

    public void Received(RadiusPacket p, IPEndPoint from, string nas, string? user, string requestId) =>
        Enqueue(new ExchangeEntry(ExchangeKind.Received, _time.GetUtcNow(), p.Code, p.Identifier, from, null, nas, user, requestId, null));

    public void Sent(RadiusCode code, byte identifier, IPEndPoint to, string nas, string? user, string? requestId, string reason) =>
        Enqueue(new ExchangeEntry(ExchangeKind.Sent, _time.GetUtcNow(), code, identifier, to, null, nas, user, requestId, reason));

    public void Resent(byte identifier, IPEndPoint to, string nas) =>
        Enqueue(new ExchangeEntry(ExchangeKind.Resent, _time.GetUtcNow(), default, identifier, to, null, nas, null, null, "duplicate_after_reply"));

    public void Dropped(IPEndPoint from, string? nas, byte? identifier, string reason, string? requestId = null)
    {
        // Failures before authentication (a wrong secret, a forged packet) are rate-limited per source and reason.
        if (requestId is null && !_limiter.ShouldLog($"{from.Address}|{reason}"))
            return;
        Enqueue(new ExchangeEntry(ExchangeKind.Dropped, _time.GetUtcNow(), default, identifier ?? -1, from, null, nas, null, requestId, reason));
    }

    public void NoAnswer(IPEndPoint to, string nas, string? user, string requestId, string reason) =>
        Enqueue(new ExchangeEntry(ExchangeKind.NoAnswer, _time.GetUtcNow(), default, -1, to, null, nas, user, requestId, reason));

    /// <summary>The vendor's wording, so administrators' troubleshooting habits still work (rate-limited per address).</summary>
    public void UnknownNas(IPAddress source)
    {
        if (_limiter.ShouldLog("unknown|" + source))
            Enqueue(new ExchangeEntry(ExchangeKind.UnknownNas, _time.GetUtcNow(), default, -1, null, source, null, null, null, null));
    }

    /// <summary>Completes when every line recorded before the call is written and flushed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(ExchangeEntry.Flush(done), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await _writer.WaitAsync(cancellationToken);
            return;
        }
        await done.Task.WaitAsync(cancellationToken);
    }

    private void Enqueue(in ExchangeEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _lost);
            Interlocked.Increment(ref _lostTotal);
        }
    }

    private async Task WriteLinesAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var entry))
            {
                if (entry.Flushed is { } flushed)
                {
                    Flush();
                    flushed.TrySetResult();
                    continue;
                }
                Write(entry);
            }
            if (Interlocked.Exchange(ref _lost, 0) is var lost and > 0)
                WriteLost(lost);
            Flush();
        }
        if (Interlocked.Exchange(ref _lost, 0) is var late and > 0)
            WriteLost(late);
        Flush();
    }

    private void Write(in ExchangeEntry e)
    {
        var line = _line.Clear();
        if (_file is not null)
            line.Append(CultureInfo.InvariantCulture, $"{e.At:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} ");
        ExchangeLineFormat.Append(line, e);
        Emit(line, LogLevel.Information);
    }

    private void WriteLost(long lost)
    {
        _logger.LogWarning("Exchange log queue full: {Lost} lines lost", lost);
        var line = _line.Clear();
        if (_file is not null)
            line.Append(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss.fff'Z'} ");
        line.Append(CultureInfo.InvariantCulture, $"LOST lines={lost} reason=exchange_log_queue_full");
        Emit(line, LogLevel.Warning);
    }

    private void Emit(StringBuilder line, LogLevel consoleLevel)
    {
        // With a file configured, the file is the exchange log; the console copy costs more than the packet work itself.
        if (_file is null)
        {
            if (_logger.IsEnabled(consoleLevel))
                _logger.Log(consoleLevel, "{ExchangeLine}", line.ToString());
            return;
        }
        if (_logger.IsEnabled(LogLevel.Debug))
            _logger.LogDebug("{ExchangeLine}", line.ToString());
        try
        {
            _file.WriteLine(line);
        }
        catch (IOException ex)
        {
            _logger.LogError("Exchange log write failed: {Error}", ex.Message);
        }
    }

    private void Flush()
    {
        try
        {
            _file?.Flush();
        }
        catch (IOException ex)
        {
            _logger.LogError("Exchange log flush failed: {Error}", ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            // Graceful shutdown writes every queued line; a hung disk must not hang the shutdown.
            await _writer.WaitAsync(DrainLimit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The writer still owns the file: it is left to the process exit.
            _logger.LogError("Exchange log: queued lines not written within {Limit}", DrainLimit);
            return;
        }
        _file?.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
