using Azure.Data.Tables;

namespace Imprivata.Storage.OpenIddict;

/// <summary>Server-side filters for the scans that serve administrative look-ups (no index is kept for them).</summary>
internal static class ColumnFilter
{
    /// <summary>"A eq 'x' and B eq 'y'" over the conditions whose value is set; null when none is.</summary>
    public static string? Equal(params (string Column, string? Value)[] conditions)
    {
        var parts = conditions.Where(c => c.Value is not null)
            .Select(c => c.Column + " eq " + TableClient.CreateQueryFilter($"{c.Value}"))
            .ToArray();
        return parts.Length == 0 ? null : string.Join(" and ", parts);
    }
}
