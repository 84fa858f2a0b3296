using System.Globalization;
using System.Text;

namespace Imprivata.Core.Audit;

/// <summary>
/// Audit values as a report shows them: control characters (CR, LF, tab, escape...) become visible escapes, so a username
/// typed as "alice\r\n2026-01-01 admin.login success" shows as one value and never forges a line of its own.
/// </summary>
public static class AuditText
{
    public static string Visible(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.Any(char.IsControl))
            return value ?? "";
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                _ when char.IsControl(c) => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return text.ToString();
    }
}
