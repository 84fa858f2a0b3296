namespace Imprivata.Functions.Mfa.Push;

/// <summary>
/// The approver page (the mobile authenticator's role) at /approve and its enrollment entry /approve/enroll: one static
/// HTML document embedded in the assembly; its script and stylesheet are /assets/approve.js and /assets/approve.css. Scripts come only from our origin (no inline script), the page
/// cannot be framed, and the API it calls is same-origin.
/// </summary>
public static class ApproverPage
{
    public static void MapApproverPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/approve", Serve);
        app.MapGet("/approve/enroll", Serve);
    }

    private static IResult Serve(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        return Results.Content(Html.Value, "text/html; charset=utf-8");
    }

    private static readonly Lazy<string> Html = new(() => Embedded("approve.html"));

    private static string Embedded(string name)
    {
        using var stream = typeof(ApproverPage).Assembly.GetManifestResourceStream("Imprivata.Functions.Mfa.Push." + name)
            ?? throw new InvalidOperationException(name + " is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
