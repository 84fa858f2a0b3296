using NCrontab;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// A six-field NCRONTAB expression as the timer trigger reads it: <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>,
/// in UTC. Parsed by NCrontab, the library the Functions host's timer trigger uses, so standalone fires when Azure would.
/// </summary>
public sealed class CronSchedule
{
    private static readonly CrontabSchedule.ParseOptions SixFields = new() { IncludingSeconds = true };
    /// <summary>How far ahead an occurrence is looked for; an expression with none in range (30 February) never fires.</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(5 * 366);
    private readonly CrontabSchedule _schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    public string Expression { get; }

    public static bool TryParse(string expression, out CronSchedule? schedule, out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        string? failure = null;
        var parsed = CrontabSchedule.TryParse<CrontabSchedule?>(expression, SixFields, parsed => parsed, exception =>
        {
            failure = exception().Message;
            return null;
        });
        schedule = parsed is null ? null : new CronSchedule(expression, parsed);
        error = parsed is null ? failure ?? "Not an NCRONTAB expression." : null;
        return schedule is not null;
    }

    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if none within five years (e.g. "0 0 0 30 2 *").</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var start = after.UtcDateTime;
        var end = start + Horizon;
        // NCrontab returns the end of the range when nothing falls inside it.
        var next = _schedule.GetNextOccurrence(start, end);
        return next >= end ? null : new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }
}
