namespace Imprivata.Core.UserDirectory;

/// <summary>
/// NIST SP 800-63B 5.1.1.2: at least 12 characters here (the product's choice above the 8 minimum), long passphrases
/// allowed, no composition rules. The upper bound only protects the hasher from absurd input.
/// </summary>
public static class PasswordRules
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 256;

    /// <summary>Null when acceptable, otherwise a reason code.</summary>
    public static string? Check(string? password)
    {
        if (string.IsNullOrEmpty(password))
            return DirectoryErrors.PasswordRequired;
        var length = password.EnumerateRunes().Count();
        if (length < MinimumLength)
            return DirectoryErrors.PasswordTooShort;
        if (length > MaximumLength)
            return DirectoryErrors.PasswordTooLong;
        return null;
    }
}
