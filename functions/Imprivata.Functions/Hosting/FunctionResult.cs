using System.Text.Json.Nodes;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// What a handler produced: output binding values, log lines the host records, the return value. Fails closed:
/// only <see cref="Completed"/> answers 2xx to the host.
/// </summary>
public sealed record FunctionResult
{
    private FunctionResult(bool succeeded, IReadOnlyDictionary<string, JsonNode?> outputs, IReadOnlyList<string> logs, JsonNode? returnValue)
    {
        Succeeded = succeeded;
        Outputs = outputs;
        Logs = logs;
        ReturnValue = returnValue;
    }

    public bool Succeeded { get; }

    /// <summary>Output binding name -> value. Always JSON objects: the host decodes base64-looking strings to bytes.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Outputs { get; }

    public IReadOnlyList<string> Logs { get; }

    public JsonNode? ReturnValue { get; }

    public static FunctionResult Completed(IReadOnlyList<string>? logs = null, IReadOnlyDictionary<string, JsonNode?>? outputs = null, JsonNode? returnValue = null) =>
        new(true, outputs ?? new Dictionary<string, JsonNode?>(), logs ?? [], returnValue);

    /// <summary>A failure the host should retry; <paramref name="logs"/> must not carry secrets or exception text.</summary>
    public static FunctionResult Failed(params string[] logs) => new(false, new Dictionary<string, JsonNode?>(), logs, null);
}
