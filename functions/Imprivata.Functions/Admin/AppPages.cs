using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Console;
using static Imprivata.Functions.Admin.AdminPages;

namespace Imprivata.Functions.Admin;

/// <summary>Applications > Single sign-on application profiles (superadmin): add, edit, credentials, delete, deploy.</summary>
public static class AppPages
{
    public static void MapAppPages(this RouteGroupBuilder write)
    {
        write.MapGet("/apps", async (HttpContext http, AppAdministration apps, Eam.EamAdministration eam) =>
            Page<AppsPage>(new { Admin = Actor(http), Profiles = await apps.ListAsync(http.RequestAborted), EamProfiles = await eam.ListAsync(http.RequestAborted),
                Error = Error(http), Notice = Notice(http) }));

        write.MapGet("/apps/new/oidc", (HttpContext http, AppAdministration apps) =>
            Page<AppNewPage>(new { Admin = Actor(http), apps.MetadataUrl, Error = Error(http) }));

        // The secret is rendered in this response only (never stored in clear, never put in a URL), so no redirect here.
        write.MapPost("/apps/new/oidc", async (HttpContext http, AppAdministration apps) =>
        {
            var form = await FormAsync(http);
            var result = await apps.CreateOidcAsync(Actor(http), Fields(form), http.RequestAborted);
            return result.Succeeded
                ? Page<AppCredentialsPage>(new { Admin = Actor(http), Credentials = result.Value! })
                : Page<AppNewPage>(new { Admin = Actor(http), apps.MetadataUrl, Draft = Draft(form), Error = result.Describe() }, result.FailureStatus);
        });

        write.MapGet("/apps/{clientId}", async (string clientId, HttpContext http, AppAdministration apps) =>
            await EditPageAsync(http, clientId, apps, null, Error(http), Notice(http)));

        write.MapPost("/apps/{clientId}", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var form = await FormAsync(http);
            var result = await apps.UpdateOidcAsync(Actor(http), clientId, Fields(form), http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back($"/console/apps/{Uri.EscapeDataString(clientId)}", null))
                : await EditPageAsync(http, clientId, apps, Draft(form), result.Describe(), null, result.FailureStatus);
        });

        write.MapPost("/apps/{clientId}/secret", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var result = await apps.RegenerateSecretAsync(Actor(http), clientId, http.RequestAborted);
            return result.Succeeded
                ? Page<AppCredentialsPage>(new { Admin = Actor(http), Credentials = result.Value! })
                : AdminHttp.SeeOther(Back("/console/apps", result.Error));
        });

        write.MapPost("/apps/{clientId}/delete", async (string clientId, HttpContext http, AppAdministration apps) =>
        {
            var result = await apps.DeleteAsync(Actor(http), clientId, http.RequestAborted);
            return AdminHttp.SeeOther(Back("/console/apps", result.Error));
        });

        write.MapGet("/apps/{clientId}/deploy", (string clientId, HttpContext http, [AsParameters] DeployServices services) =>
            DeployPageAsync(http, clientId, services, null, null, null, null, Error(http), Notice(http)));

        // "Find" re-renders the dialog with what is ticked so far and the matches; "Save" saves.
        write.MapPost("/apps/{clientId}/deploy", async (string clientId, HttpContext http, [AsParameters] DeployServices services) =>
        {
            var form = await FormAsync(http);
            var deployment = new AppDeployment
            {
                Deployed = Checked(form, "deployed"),
                AllUsersAndGroups = Checked(form, "allUsersAndGroups"),
                AllAdministratorsMayDeploy = Checked(form, "allAdministratorsMayDeploy"),
                Domains = All(form, "domains"),
                OrganizationalUnits = All(form, "organizationalUnits"),
                GroupIds = All(form, "groupIds"),
                UserIds = All(form, "userIds"),
            };
            if (form.ContainsKey("find"))
                return await DeployPageAsync(http, clientId, services, deployment, Text(form, "groupq"), Text(form, "userq"), Text(form, "find"), null, null);
            var result = await services.Apps.SetDeploymentAsync(Actor(http), clientId, deployment, http.RequestAborted);
            return result.Succeeded
                ? AdminHttp.SeeOther(Back("/console/apps", null))
                : await DeployPageAsync(http, clientId, services, deployment, Text(form, "groupq"), Text(form, "userq"), null, result.Describe(), null, result.FailureStatus);
        });
    }

    public sealed record DeployServices(AppAdministration Apps, UserAdministration Users, DirectoryPicker Picker);

    private static async Task<IResult> EditPageAsync(HttpContext http, string clientId, AppAdministration apps, OidcAppForm.Values? draft, string? error, string? notice,
        int status = StatusCodes.Status200OK)
    {
        if (await apps.GetAsync(clientId, http.RequestAborted) is not { } profile)
            return AdminHttp.SeeOther(Back("/console/apps", DirectoryErrors.NotFound));
        var client = await apps.GetClientAsync(clientId, http.RequestAborted);
        return Page<AppEditPage>(new
        {
            Admin = Actor(http), Profile = profile, Values = draft ?? OidcAppForm.Values.Of(profile, client), apps.MetadataUrl, Error = error, Notice = notice,
        }, status);
    }

    /// <summary>The Deploy dialog: the saved deployment or the one being edited, and the group and user pickers' matches.</summary>
    private static async Task<IResult> DeployPageAsync(HttpContext http, string clientId, DeployServices services, AppDeployment? draft,
        string? groupQuery, string? userQuery, string? focus, string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        if (await services.Apps.GetAsync(clientId, ct) is not { } profile)
            return AdminHttp.SeeOther(Back("/console/apps", DirectoryErrors.NotFound));
        var deployment = draft ?? profile.Deployment;
        var directoryOus = await services.Users.ListOrganizationalUnitsAsync(ct);
        return Page<AppDeployPage>(new
        {
            Admin = Actor(http), Profile = profile, Deployment = deployment,
            Domains = await DomainsAsync(services.Users, deployment, ct),
            OrganizationalUnits = directoryOus.Concat(deployment.OrganizationalUnits).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList(),
            ChosenGroups = await services.Picker.GroupsByIdAsync(deployment.GroupIds, ct),
            ChosenUsers = await services.Picker.UsersByIdAsync(deployment.UserIds, ct),
            GroupQuery = groupQuery, UserQuery = userQuery, Focus = focus,
            GroupCandidates = await services.Picker.GroupsAsync(groupQuery, deployment.GroupIds.ToHashSet(), ct),
            UserCandidates = await services.Picker.UsersAsync(userQuery, deployment.UserIds.ToHashSet(), ct),
            Error = error, Notice = notice,
        }, status);
    }

    private static async Task<IReadOnlyList<string>> DomainsAsync(UserAdministration users, AppDeployment deployment, CancellationToken ct) =>
        [.. (await users.ListDomainsAsync(ct)).Append(DirectoryDefaults.Domain).Concat(deployment.Domains)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    private static OidcAppFields Fields(IFormCollection form) =>
        new(Text(form, "adminName"), Text(form, "displayName"), NumberedLines(form["redirectUris"]), NumberedLines(form["postLogoutRedirectUris"]),
            Text(form, "backchannelLogoutUri"), Checked(form, "requirePkce"));

    private static OidcAppForm.Values Draft(IFormCollection form) =>
        new(Text(form, "adminName"), Text(form, "displayName"), string.Join("\n", NumberedLines(form["redirectUris"])),
            string.Join("\n", NumberedLines(form["postLogoutRedirectUris"])), Text(form, "backchannelLogoutUri"), Checked(form, "requirePkce"));
}
