using Imprivata.Core.Settings;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Admin;

/// <summary>Gear menu > Web app login configuration (superadmin).</summary>
public static class SettingsPages
{
    private const string Path = "/console/settings/web-login";

    public static void MapSettingsPages(this RouteGroupBuilder write)
    {
        write.MapGet("/settings/web-login", async (HttpContext http, WebLoginAdministration settings) =>
            Page<WebLoginPage>(new { Admin = Actor(http), Settings = await settings.GetAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapPost("/settings/web-login", async (HttpContext http, WebLoginAdministration settings) =>
        {
            var form = await FormAsync(http);
            var current = await settings.GetAsync(http.RequestAborted);
            var colour = Text(form, "backgroundColor");
            var timeoutText = Text(form, "sessionTimeoutMinutes");
            int? minutes = timeoutText == "off" ? null : int.TryParse(timeoutText, out var m) ? m : -1;
            // What was typed, for the form shown again; the logo file cannot be sent back and must be chosen again.
            var draft = current with
            {
                BackgroundColor = WebLoginRules.CheckColour(colour) is null ? colour : current.BackgroundColor,
                SessionTimeout = minutes is > 0 ? TimeSpan.FromMinutes(minutes.Value) : minutes is null ? null : current.SessionTimeout,
            };
            IResult Refused(AdminResult<WebLoginSettings> why) =>
                Page<WebLoginPage>(new { Admin = Actor(http), Settings = draft, Error = why.Describe() }, why.FailureStatus);

            // Validate the logo before saving anything, so one bad field leaves every setting unchanged.
            byte[]? logo = null;
            if (form.Files.GetFile("logo") is { Length: > 0 } file)
            {
                await using var stream = file.OpenReadStream();
                logo = file.Length > WebLoginRules.MaxLogoBytes ? null : await LogoUpload.ReadAsync(stream, file.Length, http.RequestAborted);
                if ((logo is null ? "logo_too_large" : WebLoginRules.CheckLogo(logo, out _)) is { } invalid)
                    return Refused(AdminResult<WebLoginSettings>.Fail(invalid, "logo"));
            }
            var saved = await settings.SaveAsync(Actor(http), colour, minutes, http.RequestAborted);
            if (!saved.Succeeded)
                return Refused(saved);
            if (logo is not null)
                await settings.SetLogoAsync(Actor(http), logo, http.RequestAborted);
            else if (Checked(form, "removeLogo"))
                await settings.RemoveLogoAsync(Actor(http), http.RequestAborted);
            return AdminHttp.SeeOther(Back(Path, null));
        });
    }
}
