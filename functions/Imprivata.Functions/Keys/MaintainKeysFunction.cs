using Imprivata.Core.Audit;
using Imprivata.Core.Keys;
using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Keys;

/// <summary>
/// Timer function "MaintainKeys" (hourly, FunctionApp/MaintainKeys/function.json): publishes the successor signing key
/// ahead of time and drops long-retired keys, so rotation happens on schedule even when nobody signs in. A change of the ring,
/// and a rotation that is overdue, is audited ("keys.rotate", actor "MaintainKeys"): signing keys are security settings.
/// </summary>
public sealed partial class MaintainKeysFunction(ISigningKeyRing ring, IAuditLog audit, TimeProvider time, ILogger<MaintainKeysFunction> logger) : IFunctionHandler
{
    public const string AuditKind = "keys.rotate";
    public const string OverdueReason = "rotation_overdue";

    public const string Name = "MaintainKeys";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var change = await ring.MaintainAsync(ct);
        if (change.Changed)
        {
            LogChanged(change.Summary);
            await AuditAsync(AuditResults.Success, AuditReasons.Ok, change.Summary, ct);
        }
        if (change.Problem is { } problem)
        {
            LogProblem(problem);
            await AuditAsync(AuditResults.Failure, OverdueReason, problem, ct);
        }
        return FunctionResult.Completed(change.Problem is null ? [change.Summary] : [change.Summary, change.Problem]);
    }

    // The ring has already changed: a failed audit write must not hide that from this run's result and logs.
    private async Task AuditAsync(string result, string reason, string detail, CancellationToken ct)
    {
        try
        {
            await audit.AppendAsync(new AuditEvent { Time = time.GetUtcNow(), Kind = AuditKind, Result = result, Reason = reason, Actor = Name, Detail = detail }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAuditFailed(e, detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not audit a signing key ring event: {Detail}")]
    private partial void LogAuditFailed(Exception exception, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing key ring needs attention: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key ring changed: {Summary}")]
    private partial void LogChanged(string summary);
}
