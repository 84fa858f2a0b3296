namespace Imprivata.Functions.Hosting;

/// <summary>Every registered non-HTTP function handler by function name (case-insensitive, as the host treats names).</summary>
public sealed class FunctionRegistry
{
    private readonly Dictionary<string, IFunctionHandler> _handlers = new(StringComparer.OrdinalIgnoreCase);

    public FunctionRegistry(IEnumerable<IFunctionHandler> handlers)
    {
        foreach (var handler in handlers)
        {
            // Two handlers for one function would make which one runs depend on registration order: a bug, so fail at start.
            if (!_handlers.TryAdd(handler.FunctionName, handler))
                throw new InvalidOperationException($"Two handlers are registered for function '{handler.FunctionName}'.");
        }
    }

    public IReadOnlyCollection<string> FunctionNames => _handlers.Keys;

    public bool TryGet(string functionName, out IFunctionHandler handler) => _handlers.TryGetValue(functionName, out handler!);
}
