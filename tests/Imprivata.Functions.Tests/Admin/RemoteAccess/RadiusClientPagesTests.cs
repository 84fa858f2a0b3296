using System.Net;
using System.Text.RegularExpressions;
using Imprivata.Core.Audit;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin;
using Microsoft.Extensions.DependencyInjection;
using static Imprivata.Functions.Tests.Admin.ConsoleForms;

namespace Imprivata.Functions.Tests.Admin.RemoteAccess;

/// <summary>Applications > Remote access pages: add (secret shown once), list, edit with refusals naming the line, rotate, retire, delete.</summary>
public sealed partial class RadiusClientPagesTests : SignedInSuperadmin
{
    private const string Home = "/console/apps/remote-access";
    private const string TypedSecret = "typed-shared-secret-000042";

    private IRadiusClientStore Store => Host.App.Services.GetRequiredService<IRadiusClientStore>();

    private static (string, string)[] Fields(string name = "ASA head office", string nas = "10.0.0.0/28\r\n192.0.2.7", string rules = "", string firstFactor = "directory",
        string secretMode = "generate", string secret = "") =>
    [
        ("name", name), ("type", "Fortinet FortiGate"), ("description", "Head office"), ("enabled", "true"), ("nasAddresses", nas),
        ("secretMode", secretMode), ("secret", secret), ("firstFactor", firstFactor), ("ldapProfile", "corp"), ("pushTimeoutSeconds", "20"),
        ("challenges", "true"), ("requireMessageAuthenticator", "true"), ("groupAttributes", rules),
    ];

    [GeneratedRegex("name=\"secret\"|readonly value=\"([A-Za-z0-9]{32})\"")]
    private static partial Regex ShownSecret();

    private static string SecretOn(string page) => ShownSecret().Matches(page).Select(m => m.Groups[1].Value).Single(v => v.Length > 0);

    [Fact]
    public async Task Add_ShowsTheGeneratedSecretOnce_ListedWithItsSettings_EditPageWithoutIt()
    {
        await Root.SendAsync(HttpMethod.Post, "/console/api/groups", new { name = "Clinicians", description = "" });

        var response = await Root.PostFormAsync(Home + "/new", Fields(rules: "Clinicians: Fortinet-Group-Name=clinical; Class=0x01\r\n*: Filter-Id=guest"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        var secret = SecretOn(page);
        Assert.Contains("shown only this once", page);
        var saved = (await Store.FindAsync("ASA head office", default))!;
        Assert.Equal([secret], saved.Secrets);
        Assert.Equal(("Fortinet FortiGate", TimeSpan.FromSeconds(20), false), (saved.Type, saved.PushTimeout, saved.LimitProxyState));
        Assert.Null(saved.LdapProfile); // directory first factor: the typed LDAP profile does not apply

        var list = await Root.Http.GetStringAsync(Home);
        Assert.Contains("ASA head office</a>", list);
        Assert.Contains("10.0.0.0/28, 192.0.2.7", list);
        Assert.Contains("Fortinet FortiGate", list);
        Assert.Contains("1 active secret", list);
        Assert.Contains(">Enabled<", list);
        Assert.DoesNotContain(secret, list);
        var edit = await Root.Http.GetStringAsync(Home + "/" + Uri.EscapeDataString("ASA head office"));
        Assert.Contains(Html("Clinicians: Fortinet-Group-Name=clinical; Class=0x01\n*: Filter-Id=guest"), edit);
        Assert.DoesNotContain(secret, edit);
        Assert.DoesNotContain(secret, System.Text.Json.JsonSerializer.Serialize(Host.Audit.Events));
    }

    [Fact]
    public async Task Add_BadNasAddress_NamesItsLine_KeepsWhatWasTyped_ButNotTheSecret()
    {
        var nas = "10.0.0.1\r\n\r\nvpn.example";

        var page = await RefusedPageAsync(await Root.PostFormAsync(Home + "/new", Fields(nas: nas, secretMode: "typed", secret: TypedSecret)));

        // Line 3 as the administrator sees it: the blank line 2 counts.
        Assert.Contains(Html("NAS addresses, line 3: " + AdminMessages.Describe("nas_address_invalid")), page);
        Assert.Contains("value=\"ASA head office\"", page);
        Assert.Contains(Html(nas.Replace("\r\n", "\n")) + "</textarea>", page);
        Assert.Contains("value=\"typed\" checked", page);
        Assert.DoesNotContain(TypedSecret, page);
        Assert.Empty(await Store.ListAsync(default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientCreate && e.Result == "failure" && e.Detail == "nasAddresses:3");
    }

    [Theory]
    [InlineData("*: Filter-Id=staff\r\nno colon here", "Group attributes, line 2: ", "group_attributes_invalid")]
    [InlineData("\r\nNobody: Class=0x01", "Group attributes, line 2: ", "radius_group_not_found")]
    [InlineData("*: Filter-Id=staff\r\n*: Not-An-Attribute=1", "Group attributes, line 2: ", "radius_attribute_invalid")]
    public async Task Add_BadGroupAttributeLine_NamesItsLine(string rules, string where, string reason)
    {
        var page = await RefusedPageAsync(await Root.PostFormAsync(Home + "/new", Fields(rules: rules)));

        Assert.Contains(Html(where + AdminMessages.Describe(reason)), page);
        Assert.Contains(Html(rules.Replace("\r\n", "\n")) + "</textarea>", page);
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientCreate && e.Result == "failure" && e.Reason == reason);
    }

    [Fact]
    public async Task Add_LdapWithoutProfile_Refused()
    {
        var fields = Fields(firstFactor: "ldap").Where(f => f.Item1 != "ldapProfile").ToArray();

        var page = await RefusedPageAsync(await Root.PostFormAsync(Home + "/new", fields));

        Assert.Contains(Html("LDAP profile: " + AdminMessages.Describe("ldap_profile_required")), page);
        Assert.Contains("name=\"firstFactor\" value=\"ldap\" checked", page);
    }

    [Fact]
    public async Task Edit_SavesSettings_RotateShowsTheNewSecretOnce_RetireThenDelete()
    {
        var first = SecretOn(await (await Root.PostFormAsync(Home + "/new", Fields(name: "vpn-1"))).Content.ReadAsStringAsync());

        var saved = await Root.PostFormAsync(Home + "/vpn-1", Fields(name: "vpn-1", nas: "198.51.100.9", firstFactor: "ldap"));
        Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        var afterEdit = (await Store.FindAsync("vpn-1", default))!;
        Assert.Equal(["198.51.100.9"], afterEdit.NasAddresses);
        Assert.Equal([first], afterEdit.Secrets);
        Assert.Equal("corp", afterEdit.LdapProfile);

        var rotated = await (await Root.PostFormAsync(Home + "/vpn-1/secret/rotate", ("secretMode", "generate"))).Content.ReadAsStringAsync();
        var second = SecretOn(rotated);
        Assert.Contains("previous secret keeps working", rotated);
        Assert.Equal([second, first], (await Store.FindAsync("vpn-1", default))!.Secrets);
        var edit = await Root.Http.GetStringAsync(Home + "/vpn-1");
        Assert.Contains("2 active secrets", edit);
        Assert.Contains("Retire the previous secret", edit);
        Assert.DoesNotContain(first, edit);
        Assert.DoesNotContain(second, edit);

        var retired = await Root.PostFormAsync(Home + "/vpn-1/secret/retire");
        Assert.Equal(HttpStatusCode.SeeOther, retired.StatusCode);
        Assert.Equal([second], (await Store.FindAsync("vpn-1", default))!.Secrets);

        var typedEmpty = await Root.PostFormAsync(Home + "/vpn-1/secret/rotate", ("secretMode", "typed"), ("secret", ""));
        Assert.Equal(HttpStatusCode.SeeOther, typedEmpty.StatusCode);
        Assert.EndsWith("error=secret_invalid", typedEmpty.Headers.Location!.ToString());
        Assert.Equal([second], (await Store.FindAsync("vpn-1", default))!.Secrets);

        var deleted = await Root.PostFormAsync(Home + "/vpn-1/delete");
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        Assert.Empty(await Store.ListAsync(default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientDelete && e.ClientId == "vpn-1");
    }

    [Fact]
    public async Task Edit_Refused_ShowsWhatWasTyped_ClientUnchanged()
    {
        await Root.PostFormAsync(Home + "/new", Fields(name: "vpn-1"));

        var page = await RefusedPageAsync(await Root.PostFormAsync(Home + "/vpn-1",
            Fields(name: "vpn-1", nas: "10.0.0.1").Select(f => f.Item1 == "pushTimeoutSeconds" ? (f.Item1, "90") : f).ToArray()));

        Assert.Contains(Html("Push timeout: " + AdminMessages.Describe("push_timeout_invalid")), page);
        Assert.Contains("value=\"90\"", page);
        Assert.Contains("10.0.0.1</textarea>", page);
        Assert.Equal(["10.0.0.0/28", "192.0.2.7"], (await Store.FindAsync("vpn-1", default))!.NasAddresses);
    }

    [Fact]
    public async Task Helpdesk_RemoteAccessPages_Forbidden()
    {
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.Http.GetAsync(Home)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostFormAsync(Home + "/new", Fields())).StatusCode);
        Assert.Empty(await Store.ListAsync(default));
    }
}
