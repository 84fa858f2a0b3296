using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>
/// The contract's messages in Service Bus terms: MessageId = request id, ReplyTo = the reply entity, ReplyToSessionId
/// (AMQP reply-to-group-id) = the edge id, SessionId (group-id) of a decision = the edge id, JSON in a data section.
/// </summary>
internal static class ServiceBusMessages
{
    public const string JsonContentType = "application/json";

    public static Message Request(AuthenticateRequest request, string replyEntity, TimeSpan timeToLive) => new()
    {
        Header = new Header { Durable = true, Ttl = (uint)Math.Clamp(timeToLive.TotalMilliseconds, 1_000, uint.MaxValue) },
        Properties = new Properties
        {
            MessageId = request.RequestId,
            ReplyTo = replyEntity,
            ReplyToGroupId = request.EdgeId,
            ContentType = new Symbol(JsonContentType),
        },
        BodySection = new Data { Binary = JsonSerializer.SerializeToUtf8Bytes(request, BridgeContract.Json) },
    };

    /// <summary>Reads a decision; a failure is a short reason for the dead-letter queue (the body is never quoted).</summary>
    public static (Decision? Decision, string? Failure) Decision(Message message, string edgeId)
    {
        // Defence in depth: the session filter already keeps other edges' sessions away.
        if (message.Properties?.GroupId != edgeId)
            return (null, "the message is not in this edge's session");
        var json = message.Body switch
        {
            byte[] bytes => bytes,
            string text => Encoding.UTF8.GetBytes(text),
            _ => null,
        };
        if (json is null)
            return (null, "the body is neither a data section nor a string");
        try
        {
            return JsonSerializer.Deserialize<Decision>(json, BridgeContract.Json) is { } decision
                ? (decision, null)
                : (null, "the body is JSON null");
        }
        catch (JsonException)
        {
            return (null, "the body is not a radius.decision JSON document");
        }
    }
}
