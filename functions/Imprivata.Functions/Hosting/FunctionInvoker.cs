namespace Imprivata.Functions.Hosting;

public enum InvocationStatus
{
    UnknownFunction,
    Failed,
    Completed,
}

public sealed record InvocationOutcome(InvocationStatus Status, FunctionResult Result);

/// <summary>
/// Runs a handler from the registry; the one path used by both the Functions host endpoint and the standalone pump.
/// An exception is a bug: it is logged here and becomes a plain failure (no exception text leaves the process).
/// </summary>
public sealed partial class FunctionInvoker(FunctionRegistry registry, ILogger<FunctionInvoker> logger)
{
    public async Task<InvocationOutcome> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        if (!registry.TryGet(invocation.FunctionName, out var handler))
            return new InvocationOutcome(InvocationStatus.UnknownFunction, FunctionResult.Failed($"No function named '{invocation.FunctionName}' is registered."));

        try
        {
            var result = await handler.InvokeAsync(invocation, ct).ConfigureAwait(false);
            if (!result.Succeeded)
                LogFailed(invocation.FunctionName, result.Logs.Count);
            return new InvocationOutcome(result.Succeeded ? InvocationStatus.Completed : InvocationStatus.Failed, result);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogThrew(e, invocation.FunctionName);
            return new InvocationOutcome(InvocationStatus.Failed, FunctionResult.Failed($"Function '{invocation.FunctionName}' failed."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName} reported failure ({LogCount} log lines)")]
    private partial void LogFailed(string functionName, int logCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} threw")]
    private partial void LogThrew(Exception exception, string functionName);
}
