using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imprivata.Storage.Radius;

/// <summary>The RADIUS rows keep their records as one JSON document (camelCase, enums by name), beside the columns queries filter on.</summary>
internal static class RadiusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Null for a missing or unreadable document: the caller treats the row as absent (fail closed).</summary>
    public static T? Read<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
