using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Imprivata.Functions.Admin.Reports;

/// <summary>Query-string values of the time-windowed reports (audit log, RADIUS activity), read one way.</summary>
internal static class ReportQuery
{
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Formats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"];

    /// <summary>Absent is fine (null); otherwise ISO 8601 only (never a culture's 03/12/2026) and within bounds.</summary>
    public static bool TryTime(StringValues value, DateTimeOffset now, out DateTimeOffset? time)
    {
        time = null;
        if (Blank(value) is not { } text)
            return true;
        if (!DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ||
            t < Earliest || t > now.AddDays(1))
            return false;
        time = t;
        return true;
    }

    /// <summary>
    /// The report's window from the "from" and "to" values: "to" defaults to now, "from" to <paramref name="defaultWindow"/>
    /// before "to"; a reason code when a time is invalid or the window is empty or longer than <paramref name="maxWindow"/>.
    /// </summary>
    public static string? TryWindow(IQueryCollection query, DateTimeOffset now, TimeSpan defaultWindow, TimeSpan maxWindow,
        out DateTimeOffset from, out DateTimeOffset to)
    {
        (from, to) = (now - defaultWindow, now);
        if (!TryTime(query["to"], now, out var toValue) || !TryTime(query["from"], now, out var fromValue))
            return "time_invalid";
        to = toValue ?? now;
        from = fromValue ?? to - defaultWindow;
        if (from >= to || to - from > maxWindow)
        {
            (from, to) = (now - defaultWindow, now);
            return "window_invalid";
        }
        return null;
    }

    /// <summary>The trimmed value, or null when nothing but blanks was given.</summary>
    public static string? Blank(StringValues value) => value.ToString().Trim() is { Length: > 0 } s ? s : null;
}
