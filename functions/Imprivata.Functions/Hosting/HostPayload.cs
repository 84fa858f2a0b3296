using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Builds invocation bodies the way the Functions host does (strings and metadata scalars serialized to JSON text,
/// "sys" left as an object), so the standalone pump feeds handlers exactly what they receive in Azure.
/// </summary>
public static class HostPayload
{
    public static byte[] ForTimer(string functionName, string bindingName, DateTimeOffset now, bool isPastDue, Guid randGuid)
    {
        // TimerInfo converts to a JSON object (JObject.FromObject), so it is not re-encoded.
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = null,
            ["IsPastDue"] = isPastDue,
        };
        return Serialize(
            new JsonObject { [bindingName] = timer },
            new JsonObject { [bindingName] = timer.DeepClone() },
            functionName, now, randGuid);
    }

    public static byte[] ForQueueMessage(string functionName, string bindingName, QueueTriggerMessage message, DateTimeOffset now, Guid randGuid)
    {
        var metadata = new JsonObject
        {
            ["DequeueCount"] = AsJsonText(message.DequeueCount),
            ["Id"] = AsJsonText(message.Id),
            ["PopReceipt"] = AsJsonText(message.PopReceipt),
            ["InsertionTime"] = AsJsonText(message.InsertionTime),
            ["ExpirationTime"] = AsJsonText(message.ExpirationTime),
            ["NextVisibleTime"] = AsJsonText(message.NextVisibleTime),
            [bindingName] = AsJsonText(message.Text),
        };
        return Serialize(new JsonObject { [bindingName] = AsJsonText(message.Text) }, metadata, functionName, now, randGuid);
    }

    /// <summary>
    /// A serviceBusTrigger invocation as the host sends a string-bound message: the body as the binding's value, the message's
    /// system properties as metadata (names as the Service Bus extension binds them).
    /// </summary>
    public static byte[] ForServiceBusMessage(string functionName, string bindingName, ServiceBusTriggerMessage message, DateTimeOffset now, Guid randGuid)
    {
        var metadata = new JsonObject
        {
            ["MessageId"] = AsJsonText(message.MessageId),
            ["DeliveryCount"] = AsJsonText(message.DeliveryCount),
            ["SessionId"] = AsJsonText(message.SessionId),
            ["ReplyTo"] = AsJsonText(message.ReplyTo),
            ["ReplyToSessionId"] = AsJsonText(message.ReplyToSessionId),
            ["CorrelationId"] = AsJsonText(message.CorrelationId),
            ["ContentType"] = AsJsonText(message.ContentType),
            ["SequenceNumber"] = AsJsonText(message.SequenceNumber),
            ["EnqueuedTimeUtc"] = AsJsonText(message.EnqueuedTime),
            ["ExpiresAtUtc"] = AsJsonText(message.ExpiresAt),
            [bindingName] = AsJsonText(message.Body),
        };
        return Serialize(new JsonObject { [bindingName] = AsJsonText(message.Body) }, metadata, functionName, now, randGuid);
    }

    /// <summary>The host's JsonConvert.SerializeObject(value) for values that are not JSON objects.</summary>
    private static string AsJsonText<T>(T value) => value switch
    {
        null => "null",
        DateTimeOffset t => JsonSerializer.Serialize(t.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)),
        _ => JsonSerializer.Serialize(value),
    };

    private static byte[] Serialize(JsonObject data, JsonObject metadata, string functionName, DateTimeOffset now, Guid randGuid)
    {
        metadata["sys"] = new JsonObject
        {
            ["MethodName"] = functionName,
            ["UtcNow"] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["RandGuid"] = randGuid.ToString(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["Data"] = data, ["Metadata"] = metadata });
    }
}
