using Imprivata.Core.Keys;
using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Keys;

/// <summary>
/// Timer function "MaintainKeys" (hourly, FunctionApp/MaintainKeys/function.json): publishes the successor signing key
/// ahead of time and drops long-retired keys, so rotation happens on schedule even when nobody signs in.
/// </summary>
public sealed partial class MaintainKeysFunction(ISigningKeyRing ring, ILogger<MaintainKeysFunction> logger) : IFunctionHandler
{
    public const string Name = "MaintainKeys";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var change = await ring.MaintainAsync(ct);
        if (change.Changed)
            LogChanged(change.Summary);
        if (change.Problem is { } problem)
            LogProblem(problem);
        return FunctionResult.Completed(change.Problem is null ? [change.Summary] : [change.Summary, change.Problem]);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing key ring needs attention: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key ring changed: {Summary}")]
    private partial void LogChanged(string summary);
}
