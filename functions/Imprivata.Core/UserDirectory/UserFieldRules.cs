namespace Imprivata.Core.UserDirectory;

/// <summary>Shape rules for user fields: names that are safe to show, log and compare.</summary>
public static class UserFieldRules
{
    public const int MaxUsernameLength = 64;
    public const int MaxFieldLength = 256;

    public static string? Check(UserFields f)
    {
        var username = f.Username?.Trim() ?? "";
        // Letters, digits and . _ - @ only: no whitespace, control characters or markup in an identifier.
        if (username.Length is 0 or > MaxUsernameLength || !username.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
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
}
