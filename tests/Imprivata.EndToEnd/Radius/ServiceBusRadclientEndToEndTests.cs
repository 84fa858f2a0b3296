using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Functions.Radius;
using Imprivata.Testing.Radius;
using Imprivata.Testing.ServiceBus;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// The remote-access path over Service Bus: radclient -> the real edge (Bridge:Kind = ServiceBus, the SDK) -> the AMQP double
/// -> the real backend (Imprivata:Radius:Bus = ServiceBus, its processor and reply sender on the SDK) -> the decision in the
/// edge's session of the reply entity -> radclient.
/// </summary>
public sealed class ServiceBusRadiusFixture : IAsyncLifetime
{
    public const string ReplyEntity = "radius-replies";
    public const string RequestEntity = "radius-requests";

    public ServiceBusDouble Bus { get; private set; } = default!;
    public RadiusBackend Backend { get; private set; } = default!;
    public RealEdge Edge { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Bus = new ServiceBusDouble([new DoubleQueue(RequestEntity), new DoubleQueue(ReplyEntity, RequiresSession: true)]);
        Backend = await RadiusBackend.StartAsync(new Dictionary<string, string?>
        {
            [RadiusSetup.RequestQueueSetting] = RequestEntity,
            ["Imprivata:Radius:Bus"] = "ServiceBus",
            ["Imprivata:Radius:ServiceBus:ConnectionString"] = Bus.ConnectionString,
            ["Imprivata:Radius:ServiceBus:ReplyEntity"] = ReplyEntity,
        });
        Edge = await RealEdge.StartAsync(Backend, RadiusEdgeFixture.ClientName, RadiusEdgeFixture.Secret, new Dictionary<string, string?>
        {
            ["RadiusEdge:Bridge:Kind"] = "ServiceBus",
            ["RadiusEdge:Bridge:StorageConnectionString"] = null,
            ["RadiusEdge:Bridge:RequestQueue"] = RequestEntity,
            ["RadiusEdge:Bridge:ServiceBus:Auth"] = "Sas",
            ["RadiusEdge:Bridge:ServiceBus:ConnectionString"] = Bus.ConnectionString,
            ["RadiusEdge:Bridge:ServiceBus:ReplyEntity"] = ReplyEntity,
        });
    }

    public async Task DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Backend.DisposeAsync();
        await Bus.DisposeAsync();
    }
}

public sealed class ServiceBusRadclientEndToEndTests(ServiceBusRadiusFixture world) : IClassFixture<ServiceBusRadiusFixture>
{
    private const string Password = RadiusBackend.Password;

    private Task<Radclient.Result> RadclientAsync(string user, string password, double timeoutSeconds = 10) =>
        Radclient.AuthAsync(world.Edge.Port, RadiusEdgeFixture.Secret, Radclient.Pap(user, password, null), timeoutSeconds, 3);

    [Fact]
    public async Task Radclient_OverServiceBus_PasswordOnlyAcceptAndWrongPasswordReject()
    {
        await world.Backend.SaveClientAsync(new Core.Radius.RadiusClientProfile { Name = RadiusEdgeFixture.ClientName });
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("sb-grace"));

        var accepted = await RadclientAsync(user.Username, Password);
        var wrong = await RadclientAsync(user.Username, "not the password");

        Assert.True(accepted.Received("Access-Accept"), accepted.Output);
        Assert.True(wrong.Received("Access-Reject"), wrong.Output);
        Assert.StartsWith($"edge={world.Edge.EdgeId} ", Assert.Single(await AuditAsync(AuditKinds.RadiusAccept, user.Username)).Detail);
        // Both requests went through Service Bus both ways: completed on the request entity, decisions in the edge's session.
        Assert.Equal(2, world.Bus.Settlements.Count(s => s.Entity == ServiceBusRadiusFixture.RequestEntity && s.Outcome == "Accepted"));
        Assert.Equal(2, world.Bus.Settlements.Count(s => s.Entity == ServiceBusRadiusFixture.ReplyEntity && s.SessionId == world.Edge.EdgeId && s.Outcome == "Accepted"));
    }

    [Fact]
    public async Task Radclient_OverServiceBus_PushApprovedOnThePhone_Accept()
    {
        await world.Backend.SaveClientAsync(new Core.Radius.RadiusClientProfile { Name = RadiusEdgeFixture.ClientName });
        await world.Backend.GoLiveAsync([Factor.Push]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("sb-push"));
        using var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);

        var gateway = RadclientAsync(user.Username, Password, timeoutSeconds: 30);
        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "approve");
        var result = await gateway;

        Assert.True(result.Received("Access-Accept"), result.Output);
    }

    private async Task<IReadOnlyList<AuditEvent>> AuditAsync(string kind, string username)
    {
        var list = new List<AuditEvent>();
        await foreach (var e in world.Backend.Get<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.Kind == kind && e.Username == username)
                list.Add(e);
        return list;
    }
}
