namespace Imprivata.Core.UserDirectory;

/// <summary>OU container paths like "Clinical/Nursing": normalised, and compared segment by segment, case-insensitively.</summary>
public static class OrganizationalUnits
{
    public static string Normalize(string? path) =>
        string.Join('/', (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>True when <paramref name="userPath"/> is <paramref name="ou"/> or lies below it ("Clinical" contains "Clinical/Nursing", not "ClinicalX").</summary>
    public static bool Contains(string ou, string userPath)
    {
        var container = Normalize(ou);
        var path = Normalize(userPath);
        if (container.Length == 0)
            return false;
        return path.Equals(container, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(container + "/", StringComparison.OrdinalIgnoreCase);
    }
}
