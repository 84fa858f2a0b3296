using System.Globalization;

namespace Imprivata.Core.UserDirectory;

/// <summary>Shape rules for user fields: names that are safe to show, log, compare and use as a table key.</summary>
public static class UserFieldRules
{
    public const int MaxUsernameLength = 64;
    public const int MaxFieldLength = 256;

    public static string? Check(UserFields f)
    {
        if (!IsUsername(f.Username?.Trim() ?? ""))
            return DirectoryErrors.UsernameInvalid;
        if (!Enum.IsDefined(f.AdminRole))
            return DirectoryErrors.FieldInvalid;
        string?[] texts = [f.DisplayName, f.Email, f.Phone, f.Domain, f.OrganizationalUnit];
        if (texts.Any(t => t is { Length: > MaxFieldLength } || (t?.Any(char.IsControl) ?? false)))
            return DirectoryErrors.FieldInvalid;
        if (string.IsNullOrWhiteSpace(f.Domain))
            return DirectoryErrors.FieldInvalid;
        return null;
    }

    /// <summary>
    /// The names people have in directories: letters of any alphabet with their combining marks, digits, and . _ - ' + @
    /// (O'Brien, jean-luc, anna+lab@example.org, José, Łukasz). Refused: whitespace, control and format characters (invisible,
    /// or able to reorder what an administrator reads), / \ # ? % (forbidden in, or escapes of, Azure Tables keys, and
    /// meaningful in URLs), and markup or quoting characters (&lt; &gt; &amp; " `) that other systems reading the name mishandle.
    /// </summary>
    public static bool IsUsername(string username)
    {
        if (username.Length is 0 or > MaxUsernameLength)
            return false;
        var hasLetterOrDigit = false;
        for (var i = 0; i < username.Length; i++)
        {
            var c = username[i];
            if (char.IsHighSurrogate(c) && i + 1 < username.Length && char.IsLowSurrogate(username[i + 1]))
            {
                // Letters outside the basic plane (historic and some East Asian scripts) arrive as surrogate pairs.
                if (!char.IsLetterOrDigit(username, i))
                    return false;
                hasLetterOrDigit = true;
                i++;
                continue;
            }
            if (char.IsLetterOrDigit(c))
                hasLetterOrDigit = true;
            else if (i > 0 && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
                continue; // a vowel sign or accent that did not compose onto its letter (Devanagari, Thai...)
            else if (!IsUsernamePunctuation(c))
                return false;
        }
        return hasLetterOrDigit;
    }

    private static bool IsUsernamePunctuation(char c) => c is '.' or '_' or '-' or '\'' or '+' or '@';
}
