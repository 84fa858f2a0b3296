using System.Globalization;
using System.Net;
using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Logging;

internal enum ExchangeKind : byte { Received, Sent, Resent, Dropped, NoAnswer, UnknownNas, Flush }

/// <summary>What the packet path records for one exchange-log line: values only, formatted later by the writer.</summary>
internal readonly record struct ExchangeEntry(
    ExchangeKind Kind, DateTimeOffset At, RadiusCode Code, int Identifier, IPEndPoint? Peer, IPAddress? Address,
    string? Nas, string? User, string? RequestId, string? Reason, TaskCompletionSource? Flushed = null)
{
    public static ExchangeEntry Flush(TaskCompletionSource done) =>
        new(ExchangeKind.Flush, default, default, -1, null, null, null, null, null, null, done);
}

/// <summary>The exchange log's line formats (after the timestamp). Attacker-controlled text is escaped.</summary>
internal static class ExchangeLineFormat
{
    public static void Append(StringBuilder line, in ExchangeEntry e)
    {
        var c = CultureInfo.InvariantCulture;
        switch (e.Kind)
        {
            case ExchangeKind.Received:
                line.Append(c, $"RECV {RadiusCodes.Name(e.Code)} id={e.Identifier} from={e.Peer} nas=\"");
                Quoted(line, e.Nas).Append(" user=\"");
                Quoted(line, e.User).Append(" request=").Append(e.RequestId);
                break;
            case ExchangeKind.Sent:
                line.Append(c, $"SEND {RadiusCodes.Name(e.Code)} id={e.Identifier} to={e.Peer} nas=\"");
                Quoted(line, e.Nas).Append(" user=\"");
                Quoted(line, e.User).Append(" request=").Append(e.RequestId ?? "-").Append(" reason=");
                LogText.AppendEscaped(line, e.Reason);
                break;
            case ExchangeKind.Resent:
                line.Append(c, $"RESEND cached-reply id={e.Identifier} to={e.Peer} nas=\"");
                Quoted(line, e.Nas).Append(" reason=").Append(e.Reason);
                break;
            case ExchangeKind.Dropped:
                line.Append("DROP id=");
                if (e.Identifier >= 0)
                    line.Append(e.Identifier);
                else
                    line.Append('-');
                line.Append(c, $" from={e.Peer} nas=\"");
                Quoted(line, e.Nas).Append(" request=").Append(e.RequestId ?? "-").Append(" reason=").Append(e.Reason);
                break;
            case ExchangeKind.NoAnswer:
                line.Append(c, $"NOANSWER to={e.Peer} nas=\"");
                Quoted(line, e.Nas).Append(" user=\"");
                Quoted(line, e.User).Append(" request=").Append(e.RequestId).Append(" reason=").Append(e.Reason);
                break;
            case ExchangeKind.UnknownNas:
                line.Append(c, $"Source IP address {e.Address} does not have a NAS entry");
                break;
        }
    }

    // The value escaped, then the closing quote (the opening one is part of the preceding literal).
    private static StringBuilder Quoted(StringBuilder line, string? value) => LogText.AppendEscaped(line, value).Append('"');
}
