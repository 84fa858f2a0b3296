using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Imprivata.Storage.OpenIddict;

/// <summary>
/// Collections are kept as JSON strings, as OpenIddict's own relational stores do; null means empty. OpenIddict asks for
/// an application's permissions, requirements and settings many times per request (once per HasPermissionAsync), so the
/// parsed, immutable result is kept alongside the very string instance it came from (cached applications share it).
/// </summary>
internal static class JsonColumns
{
    private static readonly ConditionalWeakTable<string, object> Parsed = new();

    public static ImmutableArray<string> ReadArray(string? json) =>
        string.IsNullOrEmpty(json)
            ? []
            : (ImmutableArray<string>)Parsed.GetValue(json, static text => (ImmutableArray<string>)[.. JsonSerializer.Deserialize<string[]>(text) ?? []]);

    public static string? WriteArray(ImmutableArray<string> values) =>
        values.IsDefaultOrEmpty ? null : JsonSerializer.Serialize(values.ToArray());

    public static ImmutableDictionary<string, string> ReadStrings(string? json) =>
        string.IsNullOrEmpty(json)
            ? ImmutableDictionary<string, string>.Empty
            : (ImmutableDictionary<string, string>)Parsed.GetValue(json, static text =>
                (JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? []).ToImmutableDictionary(StringComparer.Ordinal));

    public static string? WriteStrings(IReadOnlyDictionary<string, string>? values) =>
        values is null || values.Count == 0 ? null : JsonSerializer.Serialize(values);

    public static ImmutableDictionary<CultureInfo, string> ReadCultures(string? json) =>
        ReadStrings(json).ToImmutableDictionary(pair => CultureInfo.GetCultureInfo(pair.Key), pair => pair.Value);

    public static string? WriteCultures(ImmutableDictionary<CultureInfo, string>? values) =>
        WriteStrings(values?.ToDictionary(pair => pair.Key.Name, pair => pair.Value, StringComparer.Ordinal));

    public static ImmutableDictionary<string, JsonElement> ReadProperties(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return ImmutableDictionary<string, JsonElement>.Empty;
        using var document = JsonDocument.Parse(json);
        var builder = ImmutableDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
            builder[property.Name] = property.Value.Clone();
        return builder.ToImmutable();
    }

    public static string? WriteProperties(ImmutableDictionary<string, JsonElement>? properties) =>
        properties is null || properties.IsEmpty ? null : JsonSerializer.Serialize(properties);
}
