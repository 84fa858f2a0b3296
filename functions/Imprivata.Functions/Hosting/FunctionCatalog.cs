using System.Text.Json;

namespace Imprivata.Functions.Hosting;

/// <summary>One function as its function.json declares it: the trigger binding and, for HTTP, its route and methods.</summary>
public sealed record FunctionDefinition(
    string Name,
    string TriggerType,
    string TriggerBindingName,
    string? Route,
    IReadOnlyList<string> Methods,
    string? Schedule,
    string? QueueName)
{
    public bool IsHttp => TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase);
    public bool IsTimer => TriggerType.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase);
    public bool IsQueue => TriggerType.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase);
    public bool IsServiceBus => TriggerType.Equals("serviceBusTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The host's switch for a function, the app setting "AzureWebJobs.&lt;Name&gt;.Disabled" (true or 1; also spelled with
    /// "__" or ":" where dots cannot be used): the standalone pump honours it as the host does.
    /// </summary>
    public bool IsDisabledBy(IConfiguration configuration) => FunctionCatalog.IsDisabled(configuration, Name);
}

/// <summary>
/// The functions of the app, read from FunctionApp/&lt;Name&gt;/function.json (copied next to the binary). The same files
/// the Functions host reads drive the standalone pump, so a schedule is declared once.
/// </summary>
public sealed class FunctionCatalog(IReadOnlyList<FunctionDefinition> functions)
{
    public const string FolderName = "FunctionApp";

    public static string DisabledSetting(string functionName) => $"AzureWebJobs.{functionName}.Disabled";

    /// <summary>Whether "AzureWebJobs.&lt;Name&gt;.Disabled" (or its "__"/":" spelling) is true or 1.</summary>
    public static bool IsDisabled(IConfiguration configuration, string functionName) =>
        new[] { DisabledSetting(functionName), $"AzureWebJobs:{functionName}:Disabled" }
            .Select(key => configuration[key]?.Trim())
            .Any(value => value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<FunctionDefinition> Functions { get; } = functions;

    public static FunctionCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new InvalidOperationException($"The function definitions folder '{directory}' does not exist.");
        var functions = new List<FunctionDefinition>();
        foreach (var folder in Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(folder, "function.json");
            if (File.Exists(file))
                functions.Add(Parse(Path.GetFileName(folder), File.ReadAllText(file)));
        }
        return new FunctionCatalog(functions);
    }

    /// <summary>Reads one function.json; a file without exactly one trigger binding is a packaging bug and throws.</summary>
    public static FunctionDefinition Parse(string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        var triggers = document.RootElement.GetProperty("bindings").EnumerateArray()
            .Where(b => b.TryGetProperty("type", out var type) && type.GetString()!.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (triggers.Count != 1)
            throw new InvalidOperationException($"Function '{name}' must declare exactly one trigger binding.");
        var trigger = triggers[0];
        var methods = trigger.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList()
            : [];
        return new FunctionDefinition(
            name,
            trigger.GetProperty("type").GetString()!,
            trigger.GetProperty("name").GetString()!,
            Text(trigger, "route"),
            methods,
            Text(trigger, "schedule"),
            Text(trigger, "queueName"));
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
