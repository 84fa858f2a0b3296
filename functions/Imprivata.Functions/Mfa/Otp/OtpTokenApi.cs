using System.Text;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>
/// /console/api/otp-tokens (superadmin): import a CSV (the body as text/csv, or a multipart "file"), list without seeds,
/// assign to a user, unassign, resync an HOTP token with two consecutive codes.
/// </summary>
public static class OtpTokenApi
{
    public static void MapOtpTokenApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/console/api/otp-tokens").AddEndpointFilter(new AdminAccessFilter(AdminRole.Superadmin, AdminSurface.Api));

        api.MapGet("", async (OtpTokenAdministration tokens, CancellationToken ct) => Results.Json(await tokens.ListAsync(ct), AdminHttp.Json));

        api.MapPost("/import", async (HttpContext http, OtpTokenAdministration tokens) =>
        {
            if (http.Request.ContentLength > OtpTokenAdministration.MaxImportBytes)
                return AdminHttp.BadRequest("file_too_large");
            using var reader = await ReaderAsync(http);
            if (reader is null)
                return AdminHttp.BadRequest("expected_csv");
            var result = await tokens.ImportAsync(AdminPrincipal.Required(http), reader, http.RequestAborted);
            return Results.Json(new { result.Imported, result.Errors }, AdminHttp.Json,
                statusCode: result.Imported == 0 && result.Errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
        });

        api.MapPost("/{serial}/assign", async (string serial, HttpContext http, OtpTokenAdministration tokens) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<AssignRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            if (string.IsNullOrEmpty(body.UserId))
                return AdminHttp.BadRequest("user_id_required");
            var result = await tokens.AssignAsync(AdminPrincipal.Required(http), serial, body.UserId, http.RequestAborted);
            return result.Succeeded ? Results.Json(OtpTokenView.Of(result.Token!, null), AdminHttp.Json) : Failure(result.Error);
        });

        api.MapPost("/{serial}/unassign", async (string serial, HttpContext http, OtpTokenAdministration tokens) =>
        {
            var result = await tokens.UnassignAsync(AdminPrincipal.Required(http), serial, http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : Failure(result.Error);
        });

        api.MapPost("/{serial}/resync", async (string serial, HttpContext http, OtpTokenAdministration tokens) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<ResyncRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await tokens.ResyncAsync(AdminPrincipal.Required(http), serial, body.FirstCode ?? "", body.SecondCode ?? "", http.RequestAborted);
            return result.Succeeded ? Results.NoContent() : Failure(result.Error);
        });
    }

    private static IResult Failure(string? error)
    {
        var status = OtpTokenAdministration.StatusOf(error);
        return AdminHttp.Error(status, status switch { 404 => "not_found", 409 => "conflict", _ => "invalid_request" }, error);
    }

    /// <summary>text/csv (or text/plain) body, or a multipart form with a "file" part; at most <see cref="OtpTokenAdministration.MaxImportBytes"/>.</summary>
    private static async Task<TextReader?> ReaderAsync(HttpContext http)
    {
        Stream? source = null;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            if (form.Files.GetFile("file") is { Length: > 0 and <= OtpTokenAdministration.MaxImportBytes } file)
                source = file.OpenReadStream();
        }
        else if (http.Request.ContentType is { } type && (type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)))
        {
            source = http.Request.Body;
        }
        if (source is null)
            return null;
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await source.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > OtpTokenAdministration.MaxImportBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        buffer.Position = 0;
        return new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    private sealed record AssignRequest(string? UserId);

    private sealed record ResyncRequest(string? FirstCode, string? SecondCode);
}
