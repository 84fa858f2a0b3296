using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;
using Imprivata.Functions.Radius.ServiceBus;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;
using Imprivata.Testing.ServiceBus;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>
/// The real backend with Imprivata:Radius:Bus = ServiceBus (its standalone processor and reply sender on the real SDK) and an
/// edge on the same AMQP double, so the request and reply entities are plain queues named by the settings.
/// </summary>
public sealed class RadiusServiceBusWorld : IAsyncLifetime
{
    public const string ReplyEntity = "radius-replies";
    public string RequestEntity { get; } = "rq-sb-" + Guid.NewGuid().ToString("N")[..8];

    public ServiceBusDouble Bus { get; private set; } = default!;
    public RadiusBackend Backend { get; private set; } = default!;
    public ServiceBusEdge Edge { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Bus = new ServiceBusDouble([new DoubleQueue(RequestEntity, MaxDeliveryCount: 3), new DoubleQueue(ReplyEntity, RequiresSession: true)]);
        Backend = await RadiusBackend.StartAsync(new Dictionary<string, string?>
        {
            [RadiusSetup.RequestQueueSetting] = RequestEntity,
            ["Imprivata:Radius:Bus"] = "ServiceBus",
            ["Imprivata:Radius:ServiceBus:ConnectionString"] = Bus.ConnectionString,
            ["Imprivata:Radius:ServiceBus:ReplyEntity"] = ReplyEntity,
        });
        Edge = await ServiceBusEdge.ConnectAsync(Backend, Bus, ReplyEntity);
    }

    public async Task DisposeAsync()
    {
        await Edge.DisposeAsync();
        await Backend.DisposeAsync();
        await Bus.DisposeAsync();
    }
}

public sealed class RadiusServiceBusTests(RadiusServiceBusWorld world) : IClassFixture<RadiusServiceBusWorld>
{
    private const string Password = RadiusBackend.Password;

    private async Task<RadiusClientProfile> ClientAsync()
    {
        var profile = new RadiusClientProfile { Name = RadiusWorld.Unique("vpn-sb") };
        await world.Backend.SaveClientAsync(profile);
        return profile;
    }

    [Fact]
    public async Task Request_PasswordOnlyGrace_AcceptInTheEdgesSessionAndTheRequestCompleted()
    {
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var client = await ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("sb-grace"));

        var (decision, message) = await world.Edge.AskAsync(world.Edge.Request(user.Username, Password, client.Name));

        Assert.Equal((DecisionKind.Accept, PlanReasons.UnenrolledPasswordOnly, world.Edge.EdgeId), (decision.Kind, decision.Reason, decision.EdgeId));
        Assert.Equal((world.Edge.EdgeId, decision.RequestId, "application/json"), (message.SessionId, message.CorrelationId, message.ContentType));
        Assert.InRange(message.TimeToLive, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));
        Assert.Contains(world.Bus.Settlements, s => s.Entity == world.RequestEntity && s.MessageId == decision.RequestId && s.Outcome == "Accepted");
        Assert.Equal(0, world.Bus.Waiting(world.RequestEntity));
    }

    [Fact]
    public async Task Request_WrongPassword_RejectInTheEdgesSession()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("sb-wrong"));

        var (decision, message) = await world.Edge.AskAsync(world.Edge.Request(user.Username, "not the password", client.Name));

        Assert.Equal(DecisionKind.Reject, decision.Kind);
        Assert.Equal(world.Edge.EdgeId, message.SessionId);
    }

    [Fact]
    public async Task Message_NotARequest_AbandonedUntilDeadLetteredAndAudited()
    {
        var id = "bad-" + Guid.NewGuid().ToString("N")[..8];
        world.Bus.Publish(world.RequestEntity, "{\"version\":2,\"type\":\"radius.authenticate\"}"u8.ToArray(), messageId: id);

        await RadiusDecisionsTests.WaitForAsync(() => Task.FromResult(world.Bus.DeadLettered(world.RequestEntity).Any(m => m.MessageId == id)), 60);
        Assert.Equal(3, world.Bus.Settlements.Count(s => s.MessageId == id && s.Outcome is "Modified" or "Released"));
        Assert.DoesNotContain(world.Bus.Settlements, s => s.MessageId == id && s.Outcome == "Accepted");
        var audit = await world.Backend.Get<IAuditLog>().QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None)
            .Where(e => e.Kind == AuditKinds.RadiusIgnored && e.Reason == "version_unsupported").ToListAsync();
        Assert.NotEmpty(audit);
    }

    [Fact]
    public void Options_ServiceBusWithoutNamespaceOrConnection_RefusedNamingTheKeys()
    {
        var options = new RadiusOptions { Bus = RadiusBus.ServiceBus };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Imprivata:Radius:ServiceBus:FullyQualifiedNamespace", refused.Message);
        Assert.Contains("Imprivata:Radius:ServiceBus:ConnectionString", refused.Message);
    }

    [Theory]
    [InlineData("Endpoint=sb://bus.example.net;SharedAccessKeyName=r;SharedAccessKey=k;UseDevelopmentEmulator=true", "loopback")]
    [InlineData("not a connection string", "not a Service Bus connection string")]
    public void Options_UnsafeOrUnreadableConnectionString_RefusedWithoutQuotingIt(string connectionString, string reason)
    {
        var options = new RadiusOptions { Bus = RadiusBus.ServiceBus, ServiceBus = { ConnectionString = connectionString } };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains(reason, refused.Message);
        Assert.DoesNotContain(connectionString, refused.Message);
    }
}
