using Imprivata.Core.Apps;
using Imprivata.Core.Audit;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Imprivata.Core.Settings;
using Imprivata.Functions.Oidc;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace Imprivata.Functions.Login;

/// <summary>GET shows the branded password form; POST checks it, starts the SSO session and returns to the authorization request.</summary>
public static class LoginEndpoints
{
    public const string Path = "/login";

    /// <summary>
    /// The longest return URL a sign-in accepts. A pending login keeps it in one Table property (32 K characters at most);
    /// an authorization request that long is no browser's, and 8 KiB is what common front ends allow for a request line.
    /// </summary>
    public const int MaxReturnUrlLength = 8 * 1024;

    public static async Task<IResult> ShowAsync(HttpContext http, ISettingsStore settings, IAppProfileStore apps, FormCsrf csrf, AuditTrail audit,
        string? returnUrl, string? login_hint)
    {
        if (ReturnUrlTooLong(returnUrl))
        {
            await audit.WriteAsync(http, AuditKinds.HttpBadRequest, AuditResults.Failure, AuditReasons.InvalidRequest, detail: "returnUrl too long");
            return ReturnUrlTooLongPage(http);
        }
        var target = SafeReturnUrl(returnUrl);
        var hint = login_hint ?? LoginHintOf(target);
        return await RenderAsync(http, settings, apps, csrf, target, hint, error: null);
    }

    /// <summary>The password POST: <see cref="PasswordSignIn"/>.</summary>
    public static Task<IResult> SubmitAsync(HttpContext http, PasswordSignIn signIn) => signIn.SubmitAsync(http);

    public static async Task<IResult> LogoAsync(ISettingsStore settings, HttpContext http)
    {
        var current = await settings.GetWebLoginAsync(http.RequestAborted);
        if (current.Logo is not { Length: > 0 } logo || current.LogoContentType is null)
            return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=300";
        return Results.File(logo, current.LogoContentType);
    }

    internal static async Task<IResult> RenderAsync(HttpContext http, ISettingsStore settings, IAppProfileStore apps, FormCsrf csrf,
        string? target, string? username, string? error, int status = StatusCodes.Status200OK)
    {
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        var clientId = ClientIdOf(target);
        var app = clientId is null ? null : await apps.FindAsync(clientId, http.RequestAborted);
        PageHeaders.Apply(http);
        http.Response.StatusCode = status;
        return new RazorComponentResult<LoginPage>(new Dictionary<string, object?>
        {
            [nameof(LoginPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(LoginPage.HasLogo)] = branding.Logo is { Length: > 0 },
            [nameof(LoginPage.AppName)] = app?.DisplayName,
            [nameof(LoginPage.Error)] = error,
            [nameof(LoginPage.Csrf)] = csrf.Issue(http),
            [nameof(LoginPage.ReturnUrl)] = target ?? "",
            [nameof(LoginPage.Username)] = username,
        }) { StatusCode = status };
    }

    internal static bool ReturnUrlTooLong(string? returnUrl) => returnUrl is { Length: > MaxReturnUrlLength };

    /// <summary>The login's error page for a return URL over <see cref="MaxReturnUrlLength"/>.</summary>
    internal static IResult ReturnUrlTooLongPage(HttpContext http) => OidcResults.ErrorPage(http, "Sign-in link too long",
        "The link that brought you to this sign-in is too long. Return to your application and sign in again.", code: AuditReasons.InvalidRequest);

    /// <summary>Only our own authorization endpoint is a valid place to return to: anything else would be an open redirect.</summary>
    internal static string? SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith(OidcSetup.AuthorizePath + "?", StringComparison.Ordinal) && !returnUrl.Contains('\\')
            ? returnUrl
            : null;

    internal static string? ClientIdOf(string? target) => QueryValue(target, "client_id");

    private static string? LoginHintOf(string? target) => QueryValue(target, "login_hint");

    private static string? QueryValue(string? target, string name)
    {
        if (target is null)
            return null;
        var query = QueryHelpers.ParseQuery(target[target.IndexOf('?')..]);
        return query.TryGetValue(name, out var v) ? v.ToString() : null;
    }
}
