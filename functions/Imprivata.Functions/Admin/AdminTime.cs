using System.Globalization;

namespace Imprivata.Functions.Admin;

/// <summary>How the console shows an instant to people: "7 Dec 2026, 20:14:03 UTC" (exports keep ISO 8601 for machines).</summary>
public static class AdminTime
{
    public static string Readable(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("d MMM yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The ISO 8601 form, for a tooltip or a datetime attribute.</summary>
    public static string Iso(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
