using System.Net;
using System.Text.Json;
using Imprivata.Core.Audit;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin.RemoteAccess;

/// <summary>
/// /console/api/radius/clients over HTTP: superadmins add, change, rotate and remove RADIUS clients; a shared secret is in
/// the create and rotate answers only, never in a list, a get or the audit log.
/// </summary>
public sealed class RadiusClientApiTests : SignedInSuperadmin
{
    private const string Api = "/console/api/radius/clients";
    private const string TypedSecret = "typed-shared-secret-000042";

    private IRadiusClientStore Store => Host.App.Services.GetRequiredService<IRadiusClientStore>();

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static object Client(string name = "vpn-1", string? secret = null, object? groupAttributes = null, string firstFactor = "directory",
        string? ldapProfile = null, object? nasAddresses = null, int pushTimeoutSeconds = 30, string type = "Cisco ASA") =>
        new
        {
            name, type, description = "Head office ASA", nasAddresses = nasAddresses ?? new[] { "10.0.0.0/28", "192.0.2.7" }, firstFactor, ldapProfile,
            pushTimeoutSeconds, challenges = false, nonLicensedAccess = true, requireMessageAuthenticator = true, limitProxyState = false,
            groupAttributes = groupAttributes ?? Array.Empty<object>(), secret,
        };

    private string AuditText => JsonSerializer.Serialize(Host.Audit.Events);

    private async Task<string> CreateAsync(string name = "vpn-1", string? secret = null)
    {
        var created = await Root.SendAsync(HttpMethod.Post, Api, Client(name, secret));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await Json(created)).GetProperty("secret").GetString()!;
    }

    [Fact]
    public async Task Create_GeneratesTheSecret_ShownOnce_ListAndGetCountIt_GroupByNameSavedById()
    {
        var group = await Json(await Root.SendAsync(HttpMethod.Post, "/console/api/groups", new { name = "VPN Users", description = "" }));
        var groupId = group.GetProperty("id").GetString()!;
        var rules = new object[]
        {
            new { group = "vpn users", attributes = new[] { new { name = "Class", value = "0x7670" }, new { name = "Filter-Id", value = "staff" } } },
            new { group = "*", attributes = new[] { new { name = "Filter-Id", value = "guest" } } },
        };

        var created = await Root.SendAsync(HttpMethod.Post, Api, Client(groupAttributes: rules));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json(created);
        var secret = body.GetProperty("secret").GetString()!;
        Assert.Equal(32, secret.Length);
        var saved = (await Store.FindAsync("VPN-1", default))!;
        Assert.Equal([secret], saved.Secrets);
        Assert.Equal(("Cisco ASA", false, true, false, true), (saved.Type, saved.Challenges, saved.NonLicensedAccess, saved.LimitProxyState, saved.RequireMessageAuthenticator));
        Assert.Equal([groupId, "*"], saved.GroupAttributes.Select(r => r.Group));

        var listText = await Root.Http.GetStringAsync(Api);
        var getText = await Root.Http.GetStringAsync(Api + "/vpn-1");
        Assert.DoesNotContain(secret, listText);
        Assert.DoesNotContain(secret, getText);
        var listed = Assert.Single(JsonDocument.Parse(listText).RootElement.EnumerateArray());
        Assert.Equal(("1 active secret", 1), (listed.GetProperty("secrets").GetString(), listed.GetProperty("activeSecrets").GetInt32()));
        var rule = JsonDocument.Parse(getText).RootElement.GetProperty("groupAttributes")[0];
        Assert.Equal(("VPN Users", groupId), (rule.GetProperty("group").GetString(), rule.GetProperty("groupId").GetString()));
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientCreate && e.Result == "success" && e.Actor == "root" && e.ClientId == "vpn-1");
        Assert.DoesNotContain(secret, AuditText);
    }

    [Fact]
    public async Task Create_TypedSecret_Kept_NameTakenInAnyCase_Conflict()
    {
        var secret = await CreateAsync(secret: TypedSecret);

        var again = await Root.SendAsync(HttpMethod.Post, Api, Client("VPN-1"));

        Assert.Equal(TypedSecret, secret);
        Assert.Equal([TypedSecret], (await Store.FindAsync("vpn-1", default))!.Secrets);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("radius_client_name_taken", (await Json(again)).GetProperty("reason").GetString());
    }

    public static TheoryData<string, object> BadClients => new()
    {
        { "secret_invalid", Client(secret: "short-secret") },
        { "secret_invalid", Client(secret: "a shared secret with spaces") },
        { "nas_address_invalid", Client(nasAddresses: new[] { "10.0.0.1", "vpn.example" }) },
        { "ldap_profile_required", Client(firstFactor: "ldap") },
        { "ldap_profile_invalid", Client(firstFactor: "ldap", ldapProfile: "corp:dc") },
        { "first_factor_invalid", Client(firstFactor: "kerberos") },
        { "push_timeout_invalid", Client(pushTimeoutSeconds: 61) },
        { "radius_client_type_invalid", Client(type: "Juniper") },
        { "radius_client_name_invalid", Client(name: "") },
        { "radius_group_not_found", Client(groupAttributes: new[] { new { group = "Nobody", attributes = new[] { new { name = "Class", value = "0x01" } } } }) },
        { "radius_attribute_invalid", Client(groupAttributes: new[] { new { group = "*", attributes = new[] { new { name = "No-Such-Attribute", value = "x" } } } }) },
        { "radius_attribute_invalid", Client(groupAttributes: new[] { new { group = "*", attributes = new[] { new { name = "Reply-Message", value = "hi" } } } }) },
    };

    [Theory]
    [MemberData(nameof(BadClients))]
    public async Task Create_BadInput_400WithReason_Audited_NothingSaved(string reason, object client)
    {
        var response = await Root.SendAsync(HttpMethod.Post, Api, client);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await Json(response);
        Assert.Equal(("invalid_request", reason), (body.GetProperty("error").GetString(), body.GetProperty("reason").GetString()));
        Assert.Empty(await Store.ListAsync(default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientCreate && e.Result == "failure" && e.Reason == reason && e.Actor == "root");
        Assert.DoesNotContain("a shared secret with spaces", AuditText);
    }

    [Fact]
    public async Task Create_MalformedJson_400()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Api) { Content = new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Imp-Csrf", Root.Csrf);

        var response = await Root.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", (await Json(response)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Rotate_NewCurrentOldKept_TwiceRefused_RetireDropsThePrevious_NoSecretInAudit()
    {
        var first = await CreateAsync();

        var rotated = await Root.SendAsync(HttpMethod.Post, Api + "/vpn-1/secrets/rotate");
        var second = (await Json(rotated)).GetProperty("secret").GetString()!;
        var listed = await Root.Http.GetStringAsync(Api);
        var twice = await Root.SendAsync(HttpMethod.Post, Api + "/vpn-1/secrets/rotate", new { secret = TypedSecret });

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal([second, first], (await Store.FindAsync("vpn-1", default))!.Secrets);
        Assert.Contains("\"2 active secrets\"", listed);
        Assert.DoesNotContain(first, listed);
        Assert.DoesNotContain(second, listed);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Equal("radius_secret_retire_first", (await Json(twice)).GetProperty("reason").GetString());

        var retired = await Root.SendAsync(HttpMethod.Post, Api + "/vpn-1/secrets/retire");
        var again = await Root.SendAsync(HttpMethod.Post, Api + "/vpn-1/secrets/retire");
        var typed = await Root.SendAsync(HttpMethod.Post, Api + "/vpn-1/secrets/rotate", new { secret = TypedSecret });

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(1, (await Json(retired)).GetProperty("activeSecrets").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("radius_no_previous_secret", (await Json(again)).GetProperty("reason").GetString());
        Assert.Equal(TypedSecret, (await Json(typed)).GetProperty("secret").GetString());
        Assert.Equal([TypedSecret, second], (await Store.FindAsync("vpn-1", default))!.Secrets);
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientSecretRotate && e.Result == "success" && e.ClientId == "vpn-1");
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientSecretRotate && e.Result == "failure" && e.Reason == "radius_secret_retire_first");
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientSecretRetire && e.Result == "success" && e.ClientId == "vpn-1");
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientSecretRetire && e.Result == "failure" && e.Reason == "radius_no_previous_secret");
        Assert.DoesNotContain(first, AuditText);
        Assert.DoesNotContain(second, AuditText);
        Assert.DoesNotContain(TypedSecret, AuditText);
    }

    [Fact]
    public async Task Update_ReplacesSettings_KeepsSecrets_RenameMovesTheClient_DeleteRemoves()
    {
        var secret = await CreateAsync();

        var updated = await Root.SendAsync(HttpMethod.Put, Api + "/vpn-1",
            Client("vpn-west", secret: "ignored-on-update-000000", firstFactor: "ldap", ldapProfile: "corp", nasAddresses: new[] { "198.51.100.0/24" }));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Null(await Store.FindAsync("vpn-1", default));
        var saved = (await Store.FindAsync("vpn-west", default))!;
        Assert.Equal([secret], saved.Secrets);
        Assert.Equal((FirstFactorMode.Ldap, "corp"), (saved.FirstFactor, saved.LdapProfile));
        Assert.Equal(["198.51.100.0/24"], saved.NasAddresses);
        Assert.DoesNotContain(secret, await updated.Content.ReadAsStringAsync());
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientUpdate && e.Result == "success" && e.ClientId == "vpn-west"
            && e.Detail!.Contains("renamed_from=vpn-1", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await Root.SendAsync(HttpMethod.Delete, Api + "/VPN-WEST")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Root.SendAsync(HttpMethod.Get, Api + "/vpn-west")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Root.SendAsync(HttpMethod.Delete, Api + "/vpn-west")).StatusCode);
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientDelete && e.Result == "success" && e.ClientId == "vpn-west");
    }

    [Fact]
    public async Task Update_BadInput_400_Audited_ClientUnchanged()
    {
        await CreateAsync();

        var response = await Root.SendAsync(HttpMethod.Put, Api + "/vpn-1", Client(pushTimeoutSeconds: 4));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("push_timeout_invalid", (await Json(response)).GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromSeconds(30), (await Store.FindAsync("vpn-1", default))!.PushTimeout);
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminRadiusClientUpdate && e.Result == "failure" && e.Reason == "push_timeout_invalid");
    }

    [Fact]
    public async Task Helpdesk_CannotListOrChangeClients()
    {
        await CreateAsync();
        await Host.CreateUserAsync("desk", AdminRole.Helpdesk);
        using var desk = await Host.SignInAsync("desk");

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Get, Api)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Post, Api, Client("vpn-2"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Post, Api + "/vpn-1/secrets/rotate")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.SendAsync(HttpMethod.Delete, Api + "/vpn-1")).StatusCode);
        Assert.Equal(["vpn-1"], (await Store.ListAsync(default)).Select(c => c.Name));
        Assert.Single((await Store.FindAsync("vpn-1", default))!.Secrets);
        Assert.Contains(Host.Audit.Events, e => e.Kind == AuditKinds.AdminAccess && e.Actor == "desk" && e.Reason == AuditReasons.Forbidden);
    }
}
