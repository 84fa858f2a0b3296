namespace Imprivata.Core.UserDirectory;

/// <summary>Stable reason codes for rejected directory changes; the admin API returns them as they are.</summary>
public static class DirectoryErrors
{
    public const string UsernameInvalid = "username_invalid";
    public const string UsernameTaken = "username_taken";
    public const string PasswordRequired = "password_required";
    public const string PasswordTooShort = "password_too_short";
    public const string PasswordTooLong = "password_too_long";
    public const string FieldInvalid = "field_invalid";
    public const string NotFound = "not_found";
    public const string GroupNameInvalid = "group_name_invalid";
    public const string GroupNameTaken = "group_name_taken";
    public const string MemberNotFound = "member_not_found";
    public const string GroupCycle = "group_cycle";
}

/// <summary>Outcome of a directory change: fails unless explicitly built as success (fail closed).</summary>
public sealed record DirectoryResult<T>
{
    public T? Value { get; private init; }
    public string? Error { get; private init; } = "unknown";
    public bool Succeeded => Error is null;

    public static DirectoryResult<T> Ok(T value) => new() { Value = value, Error = null };
    public static DirectoryResult<T> Fail(string error) => new() { Error = error };
}
