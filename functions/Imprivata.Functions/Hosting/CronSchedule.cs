using System.Globalization;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// A six-field NCRONTAB expression as the timer trigger reads it: <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>,
/// in UTC. Each field takes <c>*</c>, a value, a range <c>a-b</c>, a step <c>*/n</c> or <c>a-b/n</c>, and comma lists.
/// Day of month and day of week must both match (NCrontab semantics). Month and day names are not supported.
/// </summary>
public sealed class CronSchedule
{
    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    private readonly bool[][] _allowed;

    private CronSchedule(string expression, bool[][] allowed)
    {
        Expression = expression;
        _allowed = allowed;
    }

    public string Expression { get; }

    public static bool TryParse(string expression, out CronSchedule? schedule, out string? error)
    {
        schedule = null;
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            error = "An NCRONTAB expression has six fields: second minute hour day month day-of-week.";
            return false;
        }

        var allowed = new bool[6][];
        for (var i = 0; i < 6; i++)
        {
            allowed[i] = new bool[Ranges[i].Max + 1];
            if (!TryParseField(fields[i], Ranges[i].Min, Ranges[i].Max, allowed[i]))
            {
                error = $"Field {i + 1} ('{fields[i]}') is not valid.";
                return false;
            }
        }

        schedule = new CronSchedule(expression, allowed);
        error = null;
        return true;
    }

    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if none within five years (e.g. "0 0 0 30 2 *").</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1);
        var limit = utc.AddYears(5);
        while (t <= limit)
        {
            if (!_allowed[4][t.Month])
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            else if (!_allowed[3][t.Day] || !_allowed[5][(int)t.DayOfWeek])
                t = t.Date.AddDays(1);
            else if (!_allowed[2][t.Hour])
                t = t.Date.AddHours(t.Hour + 1);
            else if (!_allowed[1][t.Minute])
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            else if (!_allowed[0][t.Second])
                t = t.AddSeconds(1);
            else
                return new DateTimeOffset(t, TimeSpan.Zero);
        }
        return null;
    }

    private static bool TryParseField(string field, int min, int max, bool[] allowed)
    {
        foreach (var item in field.Split(','))
        {
            var slash = item.Split('/');
            if (slash.Length > 2)
                return false;
            var step = 1;
            if (slash.Length == 2 && (!TryNumber(slash[1], out step) || step <= 0))
                return false;

            int from, to;
            if (slash[0] == "*")
            {
                (from, to) = (min, max);
            }
            else if (slash[0].Split('-') is [var a, var b])
            {
                if (!TryNumber(a, out from) || !TryNumber(b, out to))
                    return false;
            }
            else
            {
                if (!TryNumber(slash[0], out from))
                    return false;
                // "5/15" means from 5 to the end in steps of 15, as in crontab.
                to = slash.Length == 2 ? max : from;
            }

            if (from < min || to > max || from > to)
                return false;
            for (var v = from; v <= to; v += step)
                allowed[v] = true;
        }
        return true;
    }

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
