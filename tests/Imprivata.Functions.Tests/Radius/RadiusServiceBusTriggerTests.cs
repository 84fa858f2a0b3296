using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Imprivata.Core.Radius;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Radius;
using Imprivata.Functions.Tests.Hosting;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.ServiceBus;
using Microsoft.Extensions.Configuration;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>
/// Azure mode: the Functions host's Service Bus trigger POSTs the message to the custom handler, which decides and sends the
/// decision to the reply entity in the edge's session (the app reads no entity itself there).
/// </summary>
public sealed class RadiusServiceBusTriggerTests
{
    /// <param name="bodyAsObject">The host may hand a JSON body over as a string (JSON-encoded) or as the object itself.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HostInvocation_RequestFromAnUnknownClient_RejectInTheEdgesSession(bool bodyAsObject)
    {
        await using var bus = new ServiceBusDouble([new DoubleQueue("radius-requests"), new DoubleQueue("radius-replies", RequiresSession: true)]);
        await using var host = await ServiceAppHost.StartAsync(customHandler: true, builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Imprivata:Radius:Bus"] = "ServiceBus",
                ["Imprivata:Radius:ServiceBus:ConnectionString"] = bus.ConnectionString,
            }));
        var now = DateTimeOffset.UtcNow;
        var request = new AuthenticateRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            EdgeId = "edge-trigger",
            ReceivedAt = now,
            Deadline = now.AddSeconds(35),
            Nas = new BridgeNas("nobody-knows-this-client", "Other", "127.0.0.1"),
            UserName = "someone",
        };
        var message = new ServiceBusTriggerMessage(JsonSerializer.Serialize(request, BridgeContract.Json), request.RequestId, 1, null, "radius-replies",
            request.EdgeId, null, "application/json", 7, now, now.AddSeconds(35));
        var payload = HostPayload.ForServiceBusMessage(RadiusRequestServiceBusFunction.Name, RadiusRequestServiceBusFunction.Binding, message, now, Guid.NewGuid());
        if (bodyAsObject)
        {
            var node = JsonNode.Parse(payload)!;
            node["Data"]![RadiusRequestServiceBusFunction.Binding] = JsonSerializer.SerializeToNode(request, BridgeContract.Json);
            payload = JsonSerializer.SerializeToUtf8Bytes(node);
        }
        using var body = new ByteArrayContent(payload);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await host.Client.PostAsync("/" + RadiusRequestServiceBusFunction.Name, body);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await using var client = new ServiceBusClient(bus.ConnectionString);
        await using var session = await client.AcceptSessionAsync("radius-replies", request.EdgeId);
        var reply = await session.ReceiveMessageAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(reply);
        var decision = JsonSerializer.Deserialize<Decision>(reply.Body.ToMemory().Span, BridgeContract.Json)!;
        Assert.Equal((request.RequestId, DecisionKind.Reject, RadiusReasons.UnknownClient), (decision.RequestId, decision.Kind, decision.Reason));
        Assert.Equal(0, bus.Waiting("radius-requests"));
        Assert.DoesNotContain(bus.Attaches, a => a.StartsWith("receive radius-requests", StringComparison.Ordinal));
    }
}
