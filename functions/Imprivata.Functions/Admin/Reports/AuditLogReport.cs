using System.Globalization;
using Imprivata.Core.Apps;
using Imprivata.Core.Audit;

namespace Imprivata.Functions.Admin.Reports;

/// <param name="From">Inclusive, UTC.</param>
/// <param name="To">Exclusive, UTC.</param>
/// <param name="Kind">"login", "oidc", "admin"...: events whose kind starts with it.</param>
/// <param name="Result">"success" or "failure".</param>
public sealed record AuditLogFilter(DateTimeOffset From, DateTimeOffset To, string? UsernameContains, string? Kind, string? Result);

/// <summary>
/// Reports > "Audit log": the decisions and administrative actions of a time window, newest first, each with whether its
/// row still verifies against its seal (<see cref="AuditSeal"/>). At most <see cref="MaxRows"/> rows over at most
/// <see cref="MaxWindow"/> (each hour is its own set of partition queries). Superadmins only: failed sign-ins keep what was
/// typed as the username, which is sometimes a password.
/// </summary>
public sealed class AuditLogReport(IAuditLog log, IAppProfileStore apps, TimeProvider time)
{
    public const int MaxRows = 1000;
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    public async Task<IReadOnlyList<AuditEvent>> RunAsync(AuditLogFilter filter, CancellationToken ct)
    {
        var rows = new List<AuditEvent>();
        await foreach (var e in log.QueryAsync(filter.From, filter.To, ct).ConfigureAwait(false))
        {
            if (filter.Kind is { } kind && !KindMatches(e.Kind, kind))
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

    /// <summary>
    /// What the report says of a row's seal, the same word on the page and in the CSV: "intact" (the row matches the seal
    /// written with it), "CHANGED" (it does not: altered after it was written), "not sealed" (written before sealing).
    /// </summary>
    public static string SealText(AuditSeal? seal) => seal switch
    {
        AuditSeal.Valid => "intact",
        AuditSeal.Broken => "CHANGED",
        _ => "not sealed",
    };

    /// <summary>Application names by client id, for rows that name an application (a deleted one keeps its client id).</summary>
    public async Task<IReadOnlyDictionary<string, string>> AppNamesAsync(CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var profile in apps.ListAsync(ct).ConfigureAwait(false))
            names[profile.ClientId] = profile.AdminName;
        return names;
    }

    // Second-factor decisions are written by several steps: the login's own (login.mfa, login.enroll) and each method's (mfa.*).
    private static readonly Dictionary<string, string[]> KindGroups = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mfa"] = ["mfa.", AuditKinds.LoginMfa, AuditKinds.LoginEnroll, "enroll."],
    };

    private static bool KindMatches(string kind, string filter) =>
        (KindGroups.TryGetValue(filter, out var prefixes) ? prefixes : [filter]).Any(p => kind.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The filter of a query string (from, to: ISO 8601 dates or times in UTC, between 2000 and tomorrow; username, kind,
    /// result); a reason when invalid, with the default window in <paramref name="filter"/>.
    /// </summary>
    public string? Parse(IQueryCollection query, out AuditLogFilter filter)
    {
        var now = time.GetUtcNow();
        var result = ReportQuery.Blank(query["result"]);
        filter = new AuditLogFilter(now - DefaultWindow, now, ReportQuery.Blank(query["username"]), ReportQuery.Blank(query["kind"]), result);
        if (ReportQuery.TryWindow(query, now, DefaultWindow, MaxWindow, out var from, out var to) is { } invalid)
            return invalid;
        filter = filter with { From = from, To = to };
        if (result is not (null or AuditResults.Success or AuditResults.Failure))
            return "result_invalid";
        return null;
    }

}
