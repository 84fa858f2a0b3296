using System.Globalization;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Admin.RemoteAccess;

/// <summary>Applications > Remote access (superadmin): the RADIUS clients' list, add, edit, secret rotation, delete.</summary>
public static class RadiusClientPages
{
    private const string Home = "/console/apps/remote-access";

    public static void MapRadiusClientPages(this RouteGroupBuilder write)
    {
        write.MapGet("/apps/remote-access", async (HttpContext http, RadiusClientAdministration clients) =>
            Page<RemoteAccessPage>(new { Admin = Actor(http), Clients = await clients.ListAsync(http.RequestAborted), Error = Error(http), Notice = Notice(http) }));

        write.MapGet("/apps/remote-access/new", (HttpContext http) => Page<RadiusClientNewPage>(new { Admin = Actor(http), Error = Error(http) }));

        // The secret is rendered in this response only (stored encrypted, never put in a URL), so no redirect here.
        write.MapPost("/apps/remote-access/new", async (HttpContext http, RadiusClientAdministration clients) =>
        {
            var form = await FormAsync(http);
            var fields = Fields(form) with { Secret = Text(form, "secretMode") == "typed" ? Text(form, "secret") : null };
            var result = await clients.CreateAsync(Actor(http), fields, http.RequestAborted);
            return result.Succeeded
                ? Page<RadiusClientSecretPage>(new { Admin = Actor(http), Saved = result.Value! })
                : Page<RadiusClientNewPage>(new { Admin = Actor(http), Draft = Draft(form), Error = result.Describe() }, result.FailureStatus);
        });

        write.MapGet("/apps/remote-access/{name}", async (string name, HttpContext http, RadiusClientAdministration clients) =>
            await EditPageAsync(http, name, clients, null, Error(http), Notice(http)));

        write.MapPost("/apps/remote-access/{name}", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var form = await FormAsync(http);
            var result = await clients.UpdateAsync(Actor(http), name, Fields(form), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back(PathOf(result.Value!.Name), null))
                : await EditPageAsync(http, name, clients, Draft(form), result.Describe(), null, result.FailureStatus);
        });

        write.MapPost("/apps/remote-access/{name}/secret/rotate", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var form = await FormAsync(http);
            var typed = Text(form, "secretMode") == "typed" ? Text(form, "secret") : null;
            // A typed secret left empty is a mistake, not a request for a generated one.
            var result = await clients.RotateSecretAsync(Actor(http), name, typed is "" ? " " : typed, http.RequestAborted);
            return result.Succeeded
                ? Page<RadiusClientSecretPage>(new { Admin = Actor(http), Saved = result.Value! })
                : AdminHttp.SeeOther(Back(result.Error == DirectoryErrors.NotFound ? Home : PathOf(name), result.Error));
        });

        write.MapPost("/apps/remote-access/{name}/secret/retire", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var result = await clients.RetirePreviousSecretAsync(Actor(http), name, http.RequestAborted);
            return AdminHttp.SeeOther(Back(result.Error == DirectoryErrors.NotFound ? Home : PathOf(name), result.Error));
        });

        write.MapPost("/apps/remote-access/{name}/delete", async (string name, HttpContext http, RadiusClientAdministration clients) =>
        {
            var result = await clients.DeleteAsync(Actor(http), name, http.RequestAborted);
            return AdminHttp.SeeOther(Back(Home, result.Error));
        });
    }

    private static string PathOf(string name) => Home + "/" + Uri.EscapeDataString(name);

    private static async Task<IResult> EditPageAsync(HttpContext http, string name, RadiusClientAdministration clients, RadiusClientForm.Values? draft,
        string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        if (await clients.GetAsync(name, http.RequestAborted) is not { } client)
            return AdminHttp.SeeOther(Back(Home, DirectoryErrors.NotFound));
        var values = draft ?? RadiusClientForm.Values.Of(client, await clients.GroupNamesAsync(http.RequestAborted));
        return Page<RadiusClientEditPage>(new { Admin = Actor(http), Client = client, Values = values, Error = error, Notice = notice }, status);
    }

    private static RadiusClientFields Fields(IFormCollection form)
    {
        var rules = GroupRuleLines.Parse(NumberedLines(form["groupAttributes"]), out var badLine);
        return new RadiusClientFields
        {
            Name = Text(form, "name"),
            Type = Text(form, "type"),
            Description = Text(form, "description"),
            Enabled = Checked(form, "enabled"),
            NasAddresses = NumberedLines(form["nasAddresses"]),
            FirstFactor = Text(form, "firstFactor"),
            LdapProfile = Text(form, "ldapProfile"),
            PushTimeoutSeconds = int.TryParse(Text(form, "pushTimeoutSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0,
            Challenges = Checked(form, "challenges"),
            NonLicensedAccess = Checked(form, "nonLicensedAccess"),
            RequireMessageAuthenticator = Checked(form, "requireMessageAuthenticator"),
            LimitProxyState = Checked(form, "limitProxyState"),
            GroupAttributes = rules,
            Unreadable = badLine is { } line ? new FieldError("group_attributes_invalid", "groupAttributes", line) : null,
        };
    }

    /// <summary>What was typed, to fill the form in again; never the typed secret.</summary>
    private static RadiusClientForm.Values Draft(IFormCollection form) =>
        new(Text(form, "name"), Text(form, "type"), Text(form, "description"), Checked(form, "enabled"), string.Join("\n", NumberedLines(form["nasAddresses"])),
            Text(form, "secretMode"), Text(form, "firstFactor"), Text(form, "ldapProfile"), Text(form, "pushTimeoutSeconds"), Checked(form, "challenges"),
            Checked(form, "nonLicensedAccess"), Checked(form, "requireMessageAuthenticator"), Checked(form, "limitProxyState"),
            string.Join("\n", NumberedLines(form["groupAttributes"])));
}
