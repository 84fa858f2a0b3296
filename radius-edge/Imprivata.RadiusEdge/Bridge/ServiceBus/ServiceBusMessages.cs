using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>
/// The contract's messages in Service Bus terms: MessageId = request id, ReplyTo = the reply entity, ReplyToSessionId
/// = the edge id (the backend answers in that session), JSON body; a decision's SessionId is the edge id.
/// </summary>
internal static class ServiceBusMessages
{
    public const string JsonContentType = "application/json";

    public static ServiceBusMessage Request(AuthenticateRequest request, string replyEntity, TimeSpan timeToLive) =>
        new(JsonSerializer.SerializeToUtf8Bytes(request, BridgeContract.Json))
        {
            MessageId = request.RequestId,
            ReplyTo = replyEntity,
            ReplyToSessionId = request.EdgeId,
            ContentType = JsonContentType,
            // The message must not outlive the request's deadline: a stale request would only cause a late push.
            TimeToLive = timeToLive > TimeSpan.FromSeconds(1) ? timeToLive : TimeSpan.FromSeconds(1),
        };

    /// <summary>Reads a decision; a failure is a short reason for the dead-letter queue (the body is never quoted).</summary>
    public static (Decision? Decision, string? Failure) Decision(ServiceBusReceivedMessage message, string edgeId)
    {
        // Defence in depth: the session receiver already keeps other edges' sessions away.
        if (message.SessionId != edgeId)
            return (null, "the message is not in this edge's session");
        try
        {
            return JsonSerializer.Deserialize<Decision>(message.Body.ToMemory().Span, BridgeContract.Json) is { } decision
                ? (decision, null)
                : (null, "the body is JSON null");
        }
        catch (JsonException)
        {
            return (null, "the body is not a radius.decision JSON document");
        }
    }
}
