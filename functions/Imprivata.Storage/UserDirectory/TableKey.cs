using System.Globalization;
using System.Text;

namespace Imprivata.Storage.UserDirectory;

/// <summary>
/// Makes arbitrary text safe as a PartitionKey or RowKey. Azure Tables forbid / \ # ? and control characters in keys
/// (Azurite is laxer), so those and '%' itself are percent-encoded; everything else passes unchanged.
/// </summary>
internal static class TableKey
{
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape))
            return value;
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    public static string Decode(string key)
    {
        if (!key.Contains('%'))
            return key;
        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 2 < key.Length && int.TryParse(key.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(key[i]);
            }
        }
        return builder.ToString();
    }

    /// <summary>Usernames are unique regardless of case: one index key per case-folded name.</summary>
    public static string UsernameKey(string username) => Encode(username.Trim().ToUpperInvariant());

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}
