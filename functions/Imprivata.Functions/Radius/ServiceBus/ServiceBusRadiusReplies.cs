using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.Functions.Radius.ServiceBus;

/// <summary>
/// Decisions on the session-enabled reply entity, in the session of the edge that asked (session id = edge id), as the
/// edge's Service Bus adapter reads them: the contract's JSON, MessageId = a fresh id (a request may get a hold and then its
/// answer), CorrelationId = the request id.
/// </summary>
public sealed class ServiceBusRadiusReplies(RadiusServiceBusConnection connection, TimeProvider time) : IRadiusReplyChannel
{
    public const string JsonContentType = "application/json";

    public Task SendAsync(Decision decision, CancellationToken ct) =>
        connection.Replies.SendMessageAsync(Message(decision, connection.Options.ReplyTimeToLive, time.GetUtcNow()), ct);

    public static ServiceBusMessage Message(Decision decision, TimeSpan timeToLive, DateTimeOffset now) =>
        new(JsonSerializer.SerializeToUtf8Bytes(decision, BridgeContract.Json))
        {
            MessageId = Guid.NewGuid().ToString("N"),
            CorrelationId = decision.RequestId,
            SessionId = decision.EdgeId,
            ContentType = JsonContentType,
            TimeToLive = TimeToLive(decision, timeToLive, now),
        };

    /// <summary>A hold is of no use after its HoldUntil (the final answer or a new hold follows); nothing outlives the edge's wait.</summary>
    private static TimeSpan TimeToLive(Decision decision, TimeSpan bound, DateTimeOffset now)
    {
        if (decision.HoldUntil is { } until && until - now < bound)
            return until - now > TimeSpan.FromSeconds(1) ? until - now : TimeSpan.FromSeconds(1);
        return bound;
    }
}
