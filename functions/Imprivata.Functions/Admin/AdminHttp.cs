using System.Text.Json;

namespace Imprivata.Functions.Admin;

/// <summary>The small HTTP vocabulary of the admin surface: JSON errors with a reason, 303 See Other, bounded JSON bodies.</summary>
public static class AdminHttp
{
    /// <summary>Where the console lives: not under /admin, which the Functions host keeps for itself.</summary>
    public const string ConsolePath = "/console";
    public const string CsrfHeader = "X-Imp-Csrf";
    public const string CsrfField = "_csrf";
    public const int MaxJsonBytes = 64 * 1024;
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IResult Error(int status, string error, string? reason = null) =>
        Results.Json(new ApiError(error, reason), Json, statusCode: status);

    public static IResult Unauthenticated() => Error(StatusCodes.Status401Unauthorized, "unauthenticated", "sign in at /console/login");
    public static IResult Forbidden(string reason) => Error(StatusCodes.Status403Forbidden, "forbidden", reason);
    public static IResult BadRequest(string reason) => Error(StatusCodes.Status400BadRequest, "invalid_request", reason);

    public static IResult Failure<T>(AdminResult<T> result) => Error(result.FailureStatus,
        result.FailureStatus switch { 403 => "forbidden", 404 => "not_found", 409 => "conflict", _ => "invalid_request" }, result.Error);

    /// <summary>303: after a POST the browser follows with GET, so a reload never re-submits (RFC 9110 15.4.4).</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    /// <summary>Reads a JSON body of at most <see cref="MaxJsonBytes"/>; malformed input is a reason, not an exception.</summary>
    public static async Task<(T? Value, string? Error)> ReadJsonAsync<T>(HttpContext context) where T : class
    {
        if (!context.Request.HasJsonContentType())
            return (null, "expected_json");
        if (context.Request.ContentLength > MaxJsonBytes)
            return (null, "body_too_large");
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (limited.Length + read > MaxJsonBytes)
                    return (null, "body_too_large");
                limited.Write(buffer, 0, read);
            }
            var value = JsonSerializer.Deserialize<T>(limited.ToArray(), Json);
            return value is null ? (null, "malformed_json") : (value, null);
        }
        catch (JsonException)
        {
            return (null, "malformed_json");
        }
    }

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}

public sealed record ApiError(string Error, string? Reason);
