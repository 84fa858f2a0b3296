using System.Globalization;
using Imprivata.Core.Audit;

namespace Imprivata.Functions.Admin.Reports;

/// <param name="From">Inclusive, UTC.</param>
/// <param name="To">Exclusive, UTC.</param>
/// <param name="Kind">"login", "oidc", "admin"...: events whose kind starts with it.</param>
/// <param name="Result">"success" or "failure".</param>
public sealed record AuditLogFilter(DateTimeOffset From, DateTimeOffset To, string? UsernameContains, string? Kind, string? Result);

/// <summary>
/// Reports > "Audit log": the decisions and administrative actions of a time window, newest first, each with whether its
/// row still verifies against its seal (<see cref="AuditSeal"/>). At most <see cref="MaxRows"/> rows; a longer window is
/// narrowed by its filters.
/// </summary>
public sealed class AuditLogReport(IAuditLog log, TimeProvider time)
{
    public const int MaxRows = 1000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);

    public async Task<IReadOnlyList<AuditEvent>> RunAsync(AuditLogFilter filter, CancellationToken ct)
    {
        var rows = new List<AuditEvent>();
        await foreach (var e in log.QueryAsync(filter.From, filter.To, ct).ConfigureAwait(false))
        {
            if (filter.Kind is { } kind && !e.Kind.StartsWith(kind, StringComparison.OrdinalIgnoreCase))
                continue;
            if (filter.Result is { } result && !string.Equals(e.Result, result, StringComparison.Ordinal))
                continue;
            if (filter.UsernameContains is { } name && !(e.Username ?? "").Contains(name, StringComparison.OrdinalIgnoreCase) &&
                !(e.Actor ?? "").Contains(name, StringComparison.OrdinalIgnoreCase))
                continue;
            rows.Add(e);
            if (rows.Count == MaxRows)
                break;
        }
        return rows;
    }

    /// <summary>The filter of a query string (from, to: ISO 8601 dates or times; username, kind, result); a reason when invalid.</summary>
    public string? Parse(IQueryCollection query, out AuditLogFilter filter)
    {
        var now = time.GetUtcNow();
        var to = Time(query["to"]) ?? now;
        var from = Time(query["from"]) ?? to - DefaultWindow;
        var result = Blank(query["result"]);
        filter = new AuditLogFilter(from, to, Blank(query["username"]), Blank(query["kind"]), result);
        if ((query["from"].Count > 0 && Time(query["from"]) is null && Blank(query["from"]) is not null) ||
            (query["to"].Count > 0 && Time(query["to"]) is null && Blank(query["to"]) is not null))
            return "time_invalid";
        if (from >= to || to - from > MaxWindow)
            return "window_invalid";
        if (result is not (null or AuditResults.Success or AuditResults.Failure))
            return "result_invalid";
        return null;
    }

    private static DateTimeOffset? Time(Microsoft.Extensions.Primitives.StringValues value) =>
        DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;

    private static string? Blank(Microsoft.Extensions.Primitives.StringValues value) => value.ToString().Trim() is { Length: > 0 } s ? s : null;
}
