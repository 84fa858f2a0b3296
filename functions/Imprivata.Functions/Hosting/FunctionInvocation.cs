using System.Globalization;
using System.Text.Json;

namespace Imprivata.Functions.Hosting;

/// <summary>The host's "sys" metadata: which function, the host's clock, a random id for this invocation.</summary>
public sealed record InvocationSys(string MethodName, DateTimeOffset UtcNow, string RandGuid);

/// <summary>A storage queue message as the queue trigger describes it (binding value plus its metadata).</summary>
public sealed record QueueTriggerMessage(
    string Text,
    string? Id,
    string? PopReceipt,
    long DequeueCount,
    DateTimeOffset? InsertionTime,
    DateTimeOffset? ExpirationTime,
    DateTimeOffset? NextVisibleTime);

/// <summary>A Service Bus message as the serviceBusTrigger describes it: the body (binding value) and the metadata handlers may read.</summary>
public sealed record ServiceBusTriggerMessage(
    string Body,
    string? MessageId,
    int DeliveryCount,
    string? SessionId,
    string? ReplyTo,
    string? ReplyToSessionId,
    string? CorrelationId,
    string? ContentType,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime,
    DateTimeOffset ExpiresAt);

/// <summary>
/// One non-HTTP invocation, <c>{"Data":{...},"Metadata":{...}}</c>, with accessors that undo the host's encodings
/// (azure-functions-host ScriptInvocationContextExtensions): strings JSON-encoded twice, byte[] as base64,
/// metadata scalars as JSON text. Binding names are case-insensitive, as in function.json.
/// </summary>
public sealed class FunctionInvocation
{
    public FunctionInvocation(string functionName, IReadOnlyDictionary<string, JsonElement> data, IReadOnlyDictionary<string, JsonElement> metadata, InvocationSys? sys)
    {
        FunctionName = functionName;
        Data = data;
        Metadata = metadata;
        Sys = sys;
    }

    public string FunctionName { get; }

    /// <summary>Input binding name -> value exactly as sent.</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; }

    /// <summary>Trigger metadata exactly as sent, without "sys".</summary>
    public IReadOnlyDictionary<string, JsonElement> Metadata { get; }

    public InvocationSys? Sys { get; }

    /// <summary>
    /// A string input: the host serializes the string to JSON and the body serializes it again, so one level is unwrapped.
    /// Objects come back as their JSON text. Null when the binding is absent.
    /// </summary>
    public string? GetDataString(string binding) =>
        Data.TryGetValue(binding, out var value) ? UnwrapJsonText(value) : null;

    /// <summary>A byte[] input, which the host sends as base64. Null when absent or not base64.</summary>
    public byte[]? GetDataBytes(string binding)
    {
        if (!Data.TryGetValue(binding, out var value) || value.ValueKind != JsonValueKind.String)
            return null;
        return value.TryGetBytesFromBase64(out var bytes) ? bytes : null;
    }

    /// <summary>A metadata scalar: the host sends each value as JSON text ("1", "\"abc\""); this returns its plain text.</summary>
    public string? GetMetadataString(string name) =>
        Metadata.TryGetValue(name, out var value) ? UnwrapJsonText(value) : null;

    public long? GetMetadataInt64(string name) =>
        long.TryParse(GetMetadataString(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public DateTimeOffset? GetMetadataDateTimeOffset(string name) =>
        DateTimeOffset.TryParse(GetMetadataString(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>The queue trigger's message and metadata (DequeueCount, Id, PopReceipt, InsertionTime, ExpirationTime, NextVisibleTime).</summary>
    public QueueTriggerMessage? GetQueueMessage(string binding)
    {
        var text = GetDataString(binding);
        if (text is null)
            return null;
        return new QueueTriggerMessage(
            text,
            GetMetadataString("Id"),
            GetMetadataString("PopReceipt"),
            GetMetadataInt64("DequeueCount") ?? 0,
            GetMetadataDateTimeOffset("InsertionTime"),
            GetMetadataDateTimeOffset("ExpirationTime"),
            GetMetadataDateTimeOffset("NextVisibleTime"));
    }

    /// <summary>
    /// A JSON string whose content is itself a JSON string literal is unwrapped once; numbers and booleans inside give their text.
    /// Anything else (older hosts sent plain strings) is returned as sent.
    /// </summary>
    private static string? UnwrapJsonText(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                var text = value.GetString()!;
                try
                {
                    using var inner = JsonDocument.Parse(text);
                    return inner.RootElement.ValueKind switch
                    {
                        JsonValueKind.String => inner.RootElement.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => inner.RootElement.GetRawText(),
                        JsonValueKind.Null => null,
                        _ => text,
                    };
                }
                catch (JsonException)
                {
                    return text;
                }
            default:
                return value.GetRawText();
        }
    }
}
