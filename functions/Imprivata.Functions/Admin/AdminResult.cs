using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>Outcome of an admin operation: fails unless built as success. Error is a stable reason code.</summary>
public sealed record AdminResult<T>
{
    public T? Value { get; private init; }
    public string? Error { get; private init; } = "unknown";
    public bool Succeeded => Error is null;

    public static AdminResult<T> Ok(T value) => new() { Value = value, Error = null };
    public static AdminResult<T> Fail(string error) => new() { Error = error };
    public static AdminResult<T> From(DirectoryResult<T> result) => result.Succeeded ? Ok(result.Value!) : Fail(result.Error!);

    /// <summary>HTTP status for a failure: 404 for missing things, 409 for taken names, 400 for everything else.</summary>
    public int FailureStatus => Error switch
    {
        DirectoryErrors.NotFound => StatusCodes.Status404NotFound,
        AdminPrincipal.AdministratorAccount => StatusCodes.Status403Forbidden,
        DirectoryErrors.UsernameTaken => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };
}
