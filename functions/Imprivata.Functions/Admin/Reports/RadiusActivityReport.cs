using System.Globalization;
using Imprivata.Core.Audit;

namespace Imprivata.Functions.Admin.Reports;

/// <param name="From">Inclusive, UTC.</param>
/// <param name="To">Exclusive, UTC.</param>
/// <param name="Client">A RADIUS client name (exact, any case).</param>
/// <param name="Result">accept, reject, challenge, hold or ignored.</param>
public sealed record RadiusActivityFilter(DateTimeOffset From, DateTimeOffset To, string? UsernameContains, string? Client, string? Result);

/// <summary>One RADIUS answer: who, at which client and NAS, through which edge, what was answered and why.</summary>
public sealed record RadiusActivityRow(DateTimeOffset Time, string Result, string Reason, string? Username, string? Client, string? NasName,
    string? NasAddress, string? Edge, string? Factors, string? RequestId, AuditSeal? Seal);

/// <summary>
/// Reports > "RADIUS activity": every answer the backend gave a gateway, read from
/// the audit log's radius.* events, newest first, at most <see cref="MaxRows"/> over at most <see cref="MaxWindow"/>.
/// Superadmins only, as the audit log: a failed sign-in keeps what was typed as the username, which is sometimes a password.
/// </summary>
public sealed class RadiusActivityReport(IAuditLog log, TimeProvider time)
{
    public const int MaxRows = 1000;
    public const string KindPrefix = "radius.";
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);
    public static readonly string[] Results = ["accept", "reject", "challenge", "hold", "ignored"];

    public async Task<IReadOnlyList<RadiusActivityRow>> RunAsync(RadiusActivityFilter filter, CancellationToken ct)
    {
        var rows = new List<RadiusActivityRow>();
        await foreach (var e in log.QueryAsync(filter.From, filter.To, ct).ConfigureAwait(false))
        {
            // Edge management (connect, stop, revoke) is in the audit log, not among the answers to gateways.
            if (!e.Kind.StartsWith(KindPrefix, StringComparison.Ordinal) || e.Kind.StartsWith(AuditKinds.RadiusEdgePrefix, StringComparison.Ordinal))
                continue;
            var row = RowOf(e);
            if (filter.Result is { } result && row.Result != result)
                continue;
            if (filter.Client is { } client && !string.Equals(row.Client, client, StringComparison.OrdinalIgnoreCase))
                continue;
            if (filter.UsernameContains is { } name && !(row.Username ?? "").Contains(name, StringComparison.OrdinalIgnoreCase))
                continue;
            rows.Add(row);
            if (rows.Count == MaxRows)
                break;
        }
        return rows;
    }

    /// <summary>The audit event's fields as RadiusAnswers wrote them; the edge and NAS name come from its detail ("edge=... nas=&lt;rest of the line&gt;").</summary>
    public static RadiusActivityRow RowOf(AuditEvent e)
    {
        var detail = e.Detail ?? "";
        var nasAt = detail.IndexOf(" nas=", StringComparison.Ordinal);
        var nasName = nasAt < 0 ? null : detail[(nasAt + 5)..];
        var edge = detail.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(p => p.StartsWith("edge=", StringComparison.Ordinal))?[5..];
        return new RadiusActivityRow(e.Time, e.Kind[KindPrefix.Length..], e.Reason, e.Username, e.ClientId, nasName, e.Ip, edge, e.Methods,
            e.RequestId, e.Seal);
    }

    /// <summary>
    /// The filter of a query string (from, to: ISO 8601 dates or times in UTC, between 2000 and tomorrow; username, client,
    /// result); a reason when invalid, with the default window in <paramref name="filter"/>.
    /// </summary>
    public string? Parse(IQueryCollection query, out RadiusActivityFilter filter)
    {
        var now = time.GetUtcNow();
        var result = ReportQuery.Blank(query["result"]);
        filter = new RadiusActivityFilter(now - DefaultWindow, now, ReportQuery.Blank(query["username"]), ReportQuery.Blank(query["client"]), result);
        if (ReportQuery.TryWindow(query, now, DefaultWindow, MaxWindow, out var from, out var to) is { } invalid)
            return invalid;
        filter = filter with { From = from, To = to };
        if (result is not null && !Results.Contains(result))
            return "result_invalid";
        return null;
    }
}
