using System.Globalization;
using System.Net;
using System.Text;
using Imprivata.RadiusEdge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Logging;

/// <summary>
/// One line per request and per reply (or drop / no answer) with a reason code, in the spirit of the vendor's
/// serverProxy.log. Never a password or secret; every attacker-controlled value escaped (CR/LF never split a line).
/// Written to <see cref="EdgeOptions.ExchangeLogPath"/> when set, and always to the logger.
/// </summary>
public sealed class ExchangeLog : IDisposable
{
    private readonly ILogger<ExchangeLog> _logger;
    private readonly TimeProvider _time;
    private readonly StreamWriter? _file;
    private readonly Lock _lock = new();
    private readonly LogRateLimiter _limiter;

    public ExchangeLog(IOptions<EdgeOptions> options, ILogger<ExchangeLog> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        _limiter = new LogRateLimiter(time, TimeSpan.FromSeconds(10));
        var path = options.Value.ExchangeLogPath;
        if (!string.IsNullOrWhiteSpace(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false))
            {
                AutoFlush = true,
            };
        }
    }

    public void Received(RadiusPacket p, IPEndPoint from, string nas, string? user, string requestId) =>
        Write($"RECV {RadiusCodes.Name(p.Code)} id={p.Identifier} from={from} nas=\"{LogText.Escape(nas)}\" user=\"{LogText.Escape(user)}\" request={requestId}");

    public void Sent(RadiusCode code, byte identifier, IPEndPoint to, string nas, string? user, string? requestId, string reason) =>
        Write($"SEND {RadiusCodes.Name(code)} id={identifier} to={to} nas=\"{LogText.Escape(nas)}\" user=\"{LogText.Escape(user)}\" request={requestId ?? "-"} reason={LogText.Escape(reason)}");

    public void Resent(byte identifier, IPEndPoint to, string nas) =>
        Write($"RESEND cached-reply id={identifier} to={to} nas=\"{LogText.Escape(nas)}\" reason=duplicate_after_reply");

    public void Dropped(IPEndPoint from, string? nas, byte? identifier, string reason, string? requestId = null)
    {
        // Failures before authentication (a wrong secret, a forged packet) are rate-limited per source and reason.
        if (requestId is null && !_limiter.ShouldLog($"{from.Address}|{reason}"))
            return;
        Write($"DROP id={(identifier?.ToString(CultureInfo.InvariantCulture) ?? "-")} from={from} nas=\"{LogText.Escape(nas)}\" request={requestId ?? "-"} reason={reason}");
    }

    public void NoAnswer(IPEndPoint to, string nas, string? user, string requestId, string reason) =>
        Write($"NOANSWER to={to} nas=\"{LogText.Escape(nas)}\" user=\"{LogText.Escape(user)}\" request={requestId} reason={reason}");

    /// <summary>The vendor's wording, so administrators' troubleshooting habits still work (rate-limited per address).</summary>
    public void UnknownNas(IPAddress source)
    {
        if (_limiter.ShouldLog("unknown|" + source))
            Write($"Source IP address {source} does not have a NAS entry");
    }

    private void Write(string line)
    {
        // With a file configured, the file is the exchange log; the console copy costs more than the packet work itself.
        if (_file is null)
        {
            _logger.LogInformation("{ExchangeLine}", line);
            return;
        }
        _logger.LogDebug("{ExchangeLine}", line);
        var stamped = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + " " + line;
        lock (_lock)
            _file.WriteLine(stamped);
    }

    public void Dispose() => _file?.Dispose();
}
