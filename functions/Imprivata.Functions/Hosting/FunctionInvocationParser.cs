using System.Globalization;
using System.Text.Json;

namespace Imprivata.Functions.Hosting;

/// <summary>Outcome of reading an invocation body: either an invocation or a reason it was rejected (fails closed).</summary>
public sealed record ParsedInvocation(FunctionInvocation? Invocation, string? Error)
{
    public bool IsValid => Invocation is not null;
}

/// <summary>Reads the body the Functions host POSTs to <c>/{FunctionName}</c> for non-HTTP triggers. Pure: no I/O.</summary>
public static class FunctionInvocationParser
{
    public static ParsedInvocation Parse(string functionName, ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            return new ParsedInvocation(null, "The body is not JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return new ParsedInvocation(null, "The body is not a JSON object.");

            var data = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            var metadata = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            InvocationSys? sys = null;
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, "Data", StringComparison.OrdinalIgnoreCase))
                {
                    if (!CopyObject(property.Value, data))
                        return new ParsedInvocation(null, "\"Data\" is not an object.");
                }
                else if (string.Equals(property.Name, "Metadata", StringComparison.OrdinalIgnoreCase))
                {
                    if (!CopyObject(property.Value, metadata))
                        return new ParsedInvocation(null, "\"Metadata\" is not an object.");
                }
            }

            if (metadata.Remove("sys", out var sysElement))
            {
                sys = ReadSys(sysElement);
                if (sys is null)
                    return new ParsedInvocation(null, "\"Metadata.sys\" is malformed.");
            }

            return new ParsedInvocation(new FunctionInvocation(functionName, data, metadata, sys), null);
        }
    }

    private static bool CopyObject(JsonElement element, Dictionary<string, JsonElement> target)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind != JsonValueKind.Object)
            return false;
        foreach (var property in element.EnumerateObject())
            target[property.Name] = property.Value.Clone();
        return true;
    }

    /// <summary>"sys" is the one metadata entry the host does not re-encode: a plain object of MethodName, UtcNow, RandGuid.</summary>
    private static InvocationSys? ReadSys(JsonElement sys)
    {
        if (sys.ValueKind != JsonValueKind.Object)
            return null;
        string? method = null, utcNow = null, randGuid = null;
        foreach (var property in sys.EnumerateObject())
        {
            var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            if (string.Equals(property.Name, "MethodName", StringComparison.OrdinalIgnoreCase)) method = text;
            else if (string.Equals(property.Name, "UtcNow", StringComparison.OrdinalIgnoreCase)) utcNow = text;
            else if (string.Equals(property.Name, "RandGuid", StringComparison.OrdinalIgnoreCase)) randGuid = text;
        }
        if (method is null || !DateTimeOffset.TryParse(utcNow, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var now))
            return null;
        return new InvocationSys(method, now, randGuid ?? "");
    }
}
