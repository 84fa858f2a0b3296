using System.Net;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Posting console forms as a browser does (urlencoded, the session's anti-CSRF field added) and reading the answer.</summary>
public static class ConsoleForms
{
    public static Task<HttpResponseMessage> PostFormAsync(this AdminClient client, string path, params (string Name, string Value)[] fields) =>
        client.Http.PostAsync(path, new FormUrlEncodedContent([new("_csrf", client.Csrf!), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]));

    /// <summary>The page a refused form rendered: the given status, HTML, no redirect.</summary>
    public static async Task<string> RefusedPageAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Text as the console's Razor pages encode it (HtmlEncoder.Default: quotes and non-ASCII letters as character references).</summary>
    public static string Html(string text) => System.Text.Encodings.Web.HtmlEncoder.Default.Encode(text);
}
