using Imprivata.Core.UserDirectory;

namespace Imprivata.Functions.Admin;

/// <summary>
/// Outcome of an admin operation: fails unless built as success. Error is a stable reason code; Field (the form field's
/// name) and Line (1-based, within a one-entry-per-line field) say where the problem is when it is in one place.
/// </summary>
public sealed record AdminResult<T>
{
    public T? Value { get; private init; }
    public string? Error { get; private init; } = "unknown";
    public string? Field { get; private init; }
    public int? Line { get; private init; }
    public bool Succeeded => Error is null;

    public static AdminResult<T> Ok(T value) => new() { Value = value, Error = null };
    public static AdminResult<T> Fail(string error, string? field = null, int? line = null) => new() { Error = error, Field = field, Line = line };
    public static AdminResult<T> Fail(FieldError error) => Fail(error.Code, error.Field, error.Line);
    public static AdminResult<T> From(DirectoryResult<T> result) => result.Succeeded ? Ok(result.Value!) : Fail(result.Error!);

    /// <summary>HTTP status for a failure: 404 for missing things, 409 for taken names, 400 for everything else.</summary>
    public int FailureStatus => Error switch
    {
        DirectoryErrors.NotFound => StatusCodes.Status404NotFound,
        AdminPrincipal.AdministratorAccount => StatusCodes.Status403Forbidden,
        DirectoryErrors.UsernameTaken or DirectoryErrors.GroupNameTaken or RemoteAccess.RadiusClientErrors.NameTaken => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The sentence a console page shows for this failure (see <see cref="AdminMessages"/>).</summary>
    public string Describe() => AdminMessages.Describe(Error ?? "", Field, Line);
}

/// <summary>A reason code and where it applies: the form field's name and, for one-entry-per-line fields, the line.</summary>
public sealed record FieldError(string Code, string? Field = null, int? Line = null);
