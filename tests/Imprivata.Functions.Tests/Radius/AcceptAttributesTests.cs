using System.Text.Json.Nodes;
using Imprivata.Core.Mfa;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.RadiusEdge.Contract;
using FirstFactorMode = Imprivata.Core.Radius.FirstFactorMode;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>Group attributes: the first rule whose group holds the user (nested directory groups, the edge's LDAP groups), or "*".</summary>
public sealed class AcceptAttributesTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    private const string Password = Testing.Radius.RadiusBackend.Password;

    [Fact]
    public async Task Accept_UserInANestedDirectoryGroup_TheFirstMatchingRulesAttributes()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var groups = world.Backend.Get<GroupService>();
        var staff = (await groups.CreateAsync(RadiusWorld.Unique("Staff"), "", CancellationToken.None)).Value!;
        var nurses = (await groups.CreateAsync(RadiusWorld.Unique("Nurses"), "", CancellationToken.None)).Value!;
        var admins = (await groups.CreateAsync(RadiusWorld.Unique("Admins"), "", CancellationToken.None)).Value!;
        var nurse = await world.Backend.AddUserAsync(RadiusWorld.Unique("nurse"));
        var visitor = await world.Backend.AddUserAsync(RadiusWorld.Unique("visitor"));
        await groups.AddMemberAsync(new GroupMember(staff.Id, MemberKind.Group, nurses.Id), CancellationToken.None);
        await groups.AddMemberAsync(new GroupMember(nurses.Id, MemberKind.User, nurse.Id), CancellationToken.None);
        var client = await world.ClientAsync(c => c with
        {
            GroupAttributes =
            [
                new RadiusGroupAttributes { Group = admins.Id, Attributes = [new("Filter-Id", "admins")] },
                new RadiusGroupAttributes { Group = staff.Id, Attributes = [new("Class", "0x7374616666"), new("Filter-Id", "clinical-acl"), new("Fortinet-Group-Name", "clinical")] },
                new RadiusGroupAttributes { Group = RadiusGroupAttributes.Everyone, Attributes = [new("Filter-Id", "guests")] },
            ],
        });

        var staffAccept = await world.AskAsync(nurse.Username, Password, client);
        var everyone = await world.AskAsync(visitor.Username, Password, client);

        Assert.Equal(DecisionKind.Accept, staffAccept.Kind);
        Assert.Equal([new BridgeAttribute("Class", "0x7374616666"), new BridgeAttribute("Filter-Id", "clinical-acl"), new BridgeAttribute("Fortinet-Group-Name", "clinical")],
            staffAccept.Attributes);
        Assert.Equal([new BridgeAttribute("Filter-Id", "guests")], everyone.Attributes);
    }

    [Fact]
    public async Task Accept_LdapGroupsFromTheEdge_MatchedByDnInAnyCase_NoRuleNoAttributes()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await world.ClientAsync(c => c with
        {
            FirstFactor = FirstFactorMode.Ldap,
            GroupAttributes = [new RadiusGroupAttributes { Group = "CN=VPN Users,OU=Groups,DC=corp,DC=example", Attributes = [new("Filter-Id", "vpn")] }],
        });
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("ldapuser"));
        static Action<JsonObject> Groups(params string[] dns) => r => r["firstFactor"] = new JsonObject
        {
            ["mode"] = "ldap", ["passed"] = true, ["groups"] = new JsonArray([.. dns.Select(d => (JsonNode)d)]),
        };

        var member = await world.AskAsync(user.Username, null, client, change: Groups("cn=vpn users,ou=groups,dc=corp,dc=example"));
        var outsider = await world.AskAsync(user.Username, null, client, change: Groups("CN=Printers,OU=Groups,DC=corp,DC=example"));

        Assert.Equal([new BridgeAttribute("Filter-Id", "vpn")], member.Attributes);
        Assert.Equal(DecisionKind.Accept, outsider.Kind);
        Assert.Null(outsider.Attributes);
    }
}
