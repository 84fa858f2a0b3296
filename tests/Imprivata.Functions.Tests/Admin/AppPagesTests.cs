using System.Net;
using Imprivata.Core.Apps;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Oidc;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>Applications: the OIDC app form (refusals name the line, PKCE per app) and the Deploy dialog's pickers.</summary>
public sealed class AppPagesTests : SignedInSuperadmin
{
    private const string Redirects = "https://ehr.example/cb\r\n\r\nhttp://ehr.example/cb2\r\nhttps://ehr.example/cb3";

    private IAppProfileStore Profiles => Host.App.Services.GetRequiredService<IAppProfileStore>();

    [Fact]
    public async Task NewApp_BadRedirectUri_NamesItsLine_AndKeepsEverythingTyped()
    {
        var response = await Root.PostFormAsync("/console/apps/new/oidc", ("adminName", "EHR (prod)"), ("displayName", "EHR"), ("redirectUris", Redirects),
            ("postLogoutRedirectUris", "https://ehr.example/bye"), ("backchannelLogoutUri", "https://ehr.example/bcl"));

        var page = await RefusedPageAsync(response);
        // Line 3 as the administrator sees it: the blank line 2 counts.
        Assert.Contains(Html("Redirect URIs, line 3: " + AdminMessages.Describe("redirect_uri_not_https")), page);
        Assert.Contains("value=\"EHR (prod)\"", page);
        Assert.Contains(Html(Redirects.Replace("\r\n", "\n")), page);
        Assert.Contains("https://ehr.example/bye</textarea>", page);
        Assert.Contains("value=\"https://ehr.example/bcl\"", page);
        Assert.DoesNotContain("name=\"requirePkce\" value=\"true\" checked", page); // unticked when posted, unticked when shown again
        Assert.Empty(await Profiles.ListAsync(default).ToListAsync());
    }

    [Fact]
    public async Task NewApp_BadPostLogoutUri_NamesThatFieldsLine()
    {
        var page = await RefusedPageAsync(await Root.PostFormAsync("/console/apps/new/oidc", ("adminName", "EHR"), ("displayName", "EHR"),
            ("redirectUris", "https://ehr.example/cb"), ("postLogoutRedirectUris", "https://ehr.example/bye\r\nhttps://ehr.example/bye#top")));

        Assert.Contains(Html("Post-logout redirect URIs, line 2: " + AdminMessages.Describe("redirect_uri_fragment")), page);
    }

    [Fact]
    public async Task NewAppForm_OffersRequirePkce_TickedByDefault() =>
        Assert.Contains("name=\"requirePkce\" value=\"true\" checked", await Root.Http.GetStringAsync("/console/apps/new/oidc"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NewApp_RequirePkceChoice_GoesToTheRegistration(bool requirePkce)
    {
        (string, string)[] fields = [("adminName", "EHR"), ("displayName", "EHR"), ("redirectUris", "https://ehr.example/cb")];
        var response = await Root.PostFormAsync("/console/apps/new/oidc", requirePkce ? [.. fields, ("requirePkce", "true")] : fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Host.Registry.Verify(r => r.CreateAsync(It.IsAny<string>(), "EHR", It.IsAny<IReadOnlyList<Uri>>(), It.IsAny<IReadOnlyList<Uri>>(), requirePkce, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task EditApp_ShowsTheRegistrationsPkceSetting_AndSavesAChange()
    {
        var clientId = await CreateAppAsync();
        Host.Registry.Setup(r => r.FindAsync(clientId, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OidcClientInfo(clientId, "EHR", [new Uri("https://ehr.example/cb")], [], RequirePkce: false));

        var page = await Root.Http.GetStringAsync($"/console/apps/{clientId}");
        var saved = await Root.PostFormAsync($"/console/apps/{clientId}", ("adminName", "EHR"), ("displayName", "EHR"), ("redirectUris", "https://ehr.example/cb"),
            ("requirePkce", "true"));

        Assert.Contains("Require PKCE (recommended)", page);
        Assert.DoesNotContain("name=\"requirePkce\" value=\"true\" checked", page);
        Assert.Contains("https://ehr.example/cb</textarea>", page);
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Host.Registry.Verify(r => r.UpdateAsync(clientId, "EHR", It.IsAny<IReadOnlyList<Uri>>(), It.IsAny<IReadOnlyList<Uri>>(), true, It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task EditApp_Refused_ShowsWhatWasTyped()
    {
        var clientId = await CreateAppAsync();

        var page = await RefusedPageAsync(await Root.PostFormAsync($"/console/apps/{clientId}", ("adminName", "Renamed"), ("displayName", ""), ("redirectUris", "https://x.example/cb")));

        Assert.Contains(Html("User-friendly name (shown to users)"), page);
        Assert.Contains("value=\"Renamed\"", page);
        Assert.Contains(Html(AdminMessages.Describe("name_invalid", "displayName", null)), page);
        Assert.Equal("EHR", (await Profiles.FindAsync(clientId, default))!.AdminName);
    }

    [Fact]
    public async Task Deploy_Pickers_FindUsersAndGroups_KeepWhatIsTicked_SaveOnlyOnSave()
    {
        var clientId = await CreateAppAsync();
        for (var i = 0; i < DirectoryPicker.Limit + 3; i++)
            await Host.CreateUserAsync($"clerk{i:00}");
        var oBrien = await Host.CreateUserAsync("O'Brien");
        var already = await Host.CreateUserAsync("already");

        var first = await Root.PostFormAsync($"/console/apps/{clientId}/deploy", ("deployed", "true"), ("userIds", already.Id), ("userq", "brien"), ("find", "users"));
        var firstPage = await first.Content.ReadAsStringAsync();
        var unsaved = (await Profiles.FindAsync(clientId, default))!.Deployment;
        var saved = await Root.PostFormAsync($"/console/apps/{clientId}/deploy", ("deployed", "true"), ("userIds", already.Id), ("userIds", oBrien.Id));
        var dialog = await Root.Http.GetStringAsync($"/console/apps/{clientId}/deploy");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains($"name=\"userIds\" value=\"{already.Id}\" checked", firstPage);
        Assert.Contains($"name=\"userIds\" value=\"{oBrien.Id}\"", firstPage);
        Assert.Equal(1, UserPagesTests.CountOf(firstPage, "class=\"check candidate\""));
        Assert.Contains("name=\"deployed\" value=\"true\" checked", firstPage);
        Assert.Empty(unsaved.UserIds);
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        Assert.Equal([already.Id, oBrien.Id], (await Profiles.FindAsync(clientId, default))!.Deployment.UserIds);
        Assert.Contains(Html("O'Brien"), dialog);
        Assert.Contains("search to narrow the list", dialog); // 20 of the 23 clerks and root offered, not all
        Assert.True(UserPagesTests.CountOf(dialog, "name=\"userIds\"") <= DirectoryPicker.Limit + 2);
    }

    private async Task<string> CreateAppAsync()
    {
        var response = await Root.PostFormAsync("/console/apps/new/oidc", ("adminName", "EHR"), ("displayName", "EHR"), ("redirectUris", "https://ehr.example/cb"),
            ("requirePkce", "true"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(await Profiles.ListAsync(default).ToListAsync()).ClientId;
    }
}
