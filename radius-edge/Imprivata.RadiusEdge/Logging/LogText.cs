using System.Globalization;
using System.Text;

namespace Imprivata.RadiusEdge.Logging;

/// <summary>Escapes attacker-controlled text (User-Name, NAS-Identifier...) so one request is always one log line.</summary>
public static class LogText
{
    public static string Escape(string? value)
    {
        if (value is null)
            return "-";
        return AppendEscaped(new StringBuilder(value.Length + 8), value).ToString();
    }

    /// <summary>Appends the escaped value ("-" for null) without an intermediate string.</summary>
    public static StringBuilder AppendEscaped(StringBuilder sb, string? value)
    {
        if (value is null)
            return sb.Append('-');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\r': sb.Append(@"\r"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                        sb.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        return sb;
    }
}
