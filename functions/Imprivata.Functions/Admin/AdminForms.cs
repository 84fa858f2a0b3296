using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Imprivata.Functions.Admin;

/// <summary>
/// Reads a console form and refuses one that carries a control character in any field (tab, CR and LF excepted: text
/// areas hold several lines). ASP.NET Core's own reader throws on a NUL (InvalidDataException), which was a 500; the other
/// control characters it lets through would reach the services, and nothing an administrator types contains them. So
/// the form is refused before any handler runs, naming the field, which a second, tolerant pass over the buffered body
/// finds when the reader itself threw.
/// </summary>
public static class AdminForms
{
    /// <summary>More than any console form: the logo (250 KB) and token CSV (2 MB) are files, not checked here.</summary>
    private const int MaxScannedValueChars = 64 * 1024;

    public sealed record Outcome(IFormCollection? Form, string? RefusedField)
    {
        public bool Refused => Form is null;
    }

    public static async Task<Outcome> ReadAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        try
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            return form.FirstOrDefault(f => f.Value.Any(v => v is not null && HasControl(v))) is { Key: { } key }
                ? new Outcome(null, key)
                : new Outcome(form, null);
        }
        catch (InvalidDataException)
        {
            // The reader's limits (value length, value count, body length) also end here: no field to name.
            http.Request.Body.Position = 0;
            return new Outcome(null, await FindControlFieldAsync(http.Request).ConfigureAwait(false));
        }
    }

    /// <summary>Tab, CR and LF are text; every other C0/C1 control character (NUL, ESC, DEL...) is not.</summary>
    public static bool HasControl(string value) => value.Any(c => char.IsControl(c) && c is not '\t' and not '\r' and not '\n');

    private static async Task<string?> FindControlFieldAsync(HttpRequest request)
    {
        var type = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        if (type?.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true &&
            HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 } boundary)
            return await FindInMultipartAsync(request.Body, boundary).ConfigureAwait(false);
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await ReadBoundedAsync(reader).ConfigureAwait(false);
        foreach (var pair in body.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            if (equals >= 0 && HasControl(Decode(pair[(equals + 1)..])) || HasControl(name))
                return name;
        }
        return null;
    }

    private static async Task<string?> FindInMultipartAsync(Stream body, string boundary)
    {
        var reader = new MultipartReader(boundary, body);
        try
        {
            while (await reader.ReadNextSectionAsync().ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.IsFileDisposition())
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                using var text = new StreamReader(section.Body, Encoding.UTF8);
                if (HasControl(await ReadBoundedAsync(text).ConfigureAwait(false)) || HasControl(name))
                    return name;
            }
        }
        catch (IOException)
        {
            // A malformed multipart body: nothing to name.
        }
        return null;
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var buffer = new char[MaxScannedValueChars];
        var read = await reader.ReadBlockAsync(buffer).ConfigureAwait(false);
        return new string(buffer, 0, read);
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
