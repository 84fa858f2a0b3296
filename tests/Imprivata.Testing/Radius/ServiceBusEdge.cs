using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.ServiceBus;

namespace Imprivata.Testing.Radius;

/// <summary>
/// Plays an edge over the Service Bus bridge with the real SDK against the <see cref="ServiceBusDouble"/>: requests built as
/// <see cref="BridgeEdge"/> builds them, sent as the edge's Service Bus adapter sends them (MessageId = request id, ReplyTo =
/// the reply entity, ReplyToSessionId = edge id, time to live = the deadline), decisions read from this edge's session.
/// </summary>
public sealed class ServiceBusEdge : IAsyncDisposable
{
    private readonly BridgeEdge _requests;
    private readonly ServiceBusClient _client;
    private readonly ServiceBusSender _sender;
    private readonly string _replyEntity;
    private readonly List<ServiceBusReceivedMessage> _unclaimed = [];
    private ServiceBusSessionReceiver? _session;

    private ServiceBusEdge(BridgeEdge requests, ServiceBusClient client, string requestEntity, string replyEntity)
    {
        _requests = requests;
        _client = client;
        _sender = client.CreateSender(requestEntity);
        _replyEntity = replyEntity;
    }

    public string EdgeId => _requests.EdgeId;

    public static async Task<ServiceBusEdge> ConnectAsync(RadiusBackend backend, ServiceBusDouble bus, string replyEntity) =>
        new(await BridgeEdge.ConnectAsync(backend), new ServiceBusClient(bus.ConnectionString), backend.RequestQueue, replyEntity);

    public JsonObject Request(string user, string? password, string client, string? state = null) =>
        _requests.Request(user, password, client, state: state);

    public async Task<string> SendAsync(JsonObject request)
    {
        var requestId = BridgeEdge.RequestIdOf(request);
        await _sender.SendMessageAsync(new ServiceBusMessage(Encoding.UTF8.GetBytes(request.ToJsonString()))
        {
            MessageId = requestId,
            ReplyTo = _replyEntity,
            ReplyToSessionId = EdgeId,
            ContentType = "application/json",
            TimeToLive = request["deadline"]!.GetValue<DateTimeOffset>() - DateTimeOffset.UtcNow,
        });
        return requestId;
    }

    /// <summary>Sends and waits for the final decision (holds skipped), with the Service Bus message it came in.</summary>
    public async Task<(Decision Decision, ServiceBusReceivedMessage Message)> AskAsync(JsonObject request) =>
        await DecisionForAsync(await SendAsync(request));

    public async Task<(Decision Decision, ServiceBusReceivedMessage Message)> DecisionForAsync(string requestId, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        _session ??= await _client.AcceptSessionAsync(_replyEntity, EdgeId);
        while (true)
        {
            var found = _unclaimed.Select(m => (Decision: Read(m), Message: m))
                .FirstOrDefault(d => d.Decision.RequestId == requestId && d.Decision.Kind != DecisionKind.Hold);
            if (found.Message is not null)
            {
                _unclaimed.RemoveAll(m => Read(m).RequestId == requestId);
                return found;
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"No decision for request {requestId}.");
            foreach (var message in await _session.ReceiveMessagesAsync(16, TimeSpan.FromMilliseconds(500)))
            {
                await _session.CompleteMessageAsync(message);
                _unclaimed.Add(message);
            }
        }
    }

    private static Decision Read(ServiceBusReceivedMessage message) =>
        JsonSerializer.Deserialize<Decision>(message.Body.ToMemory().Span, BridgeContract.Json)!;

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
            await _session.DisposeAsync();
        await _sender.DisposeAsync();
        await _client.DisposeAsync();
    }
}
