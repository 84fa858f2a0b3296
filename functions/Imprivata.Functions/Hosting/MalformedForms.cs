using System.Text;
using Imprivata.Core.Audit;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Audit;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Reads every form body once, before any endpoint or OpenIddict does, and answers one that cannot be read (more fields, or a longer
/// name or value, than ASP.NET Core's form limits allow, a charset we do not read such as utf-7) with a 400 and
/// an audit event, instead of the exception that would otherwise surface as a 500 wherever the form is first touched.
/// The form read here is cached on the request, so later readers cost nothing.
/// </summary>
public static class MalformedForms
{
    public static void UseMalformedFormRefusal(this WebApplication app) =>
        app.Use(async (http, next) =>
        {
            if (http.Request.HasFormContentType && await UnreadableAsync(http) is { } problem)
            {
                await RefuseAsync(http, problem);
                return;
            }
            await next(http);
        });

    private static async Task<string?> UnreadableAsync(HttpContext http)
    {
        if (http.Request.ContentType is { } type && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) &&
            media.Charset.HasValue && !IsReadableCharset(media.Charset.Value!))
            return "unsupported_charset";
        // The console reads its own forms and names the field it refuses (Admin/AdminForms).
        if (http.Request.Path.StartsWithSegments(AdminHttp.ConsolePath))
            return null;
        try
        {
            await http.Request.ReadFormAsync(http.RequestAborted);
            return null;
        }
        catch (InvalidDataException)
        {
            return "form_limits";
        }
        catch (DecoderFallbackException)
        {
            return "form_encoding";
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            return "form_malformed";
        }
    }

    // Form bodies are UTF-8 (WHATWG URL encoding); ASCII and ISO-8859-1 are read as browsers send them. utf-7 and
    // friends are refused: they let the same bytes mean two different things to two parsers.
    private static bool IsReadableCharset(string charset) =>
        charset.Trim('"').ToLowerInvariant() is "utf-8" or "utf8" or "us-ascii" or "ascii" or "iso-8859-1" or "latin1";

    private static async Task RefuseAsync(HttpContext http, string reason)
    {
        var audit = http.RequestServices.GetRequiredService<AuditTrail>();
        await audit.WriteAsync(http, AuditKinds.HttpBadRequest, AuditResults.Failure, AuditReasons.InvalidRequest,
            detail: reason + " " + http.Request.Method + " " + http.Request.Path);
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.Headers.CacheControl = "no-store";
        // The OAuth endpoints answer in their own format (RFC 6749 5.2); pages get a short text.
        if (http.Request.Path.StartsWithSegments("/connect"))
        {
            await http.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = "invalid_request",
                ["error_description"] = "The request body could not be read as a form.",
            }, http.RequestAborted);
            return;
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync("The submitted form could not be read.", http.RequestAborted);
    }
}
