using Imprivata.Core.Audit;
using Imprivata.Core.Keys;
using Imprivata.Functions.Hosting;
using Imprivata.Storage.Secrets;

namespace Imprivata.Functions.Keys;

/// <summary>
/// Timer function "MaintainKeys" (hourly, FunctionApp/MaintainKeys/function.json): publishes the successor signing key
/// ahead of time and drops long-retired keys, so rotation happens on schedule even when nobody signs in. A change of the ring,
/// and a rotation that is overdue, is audited ("keys.rotate", actor "MaintainKeys"): signing keys are security settings.
/// It also re-seals the Secrets table's data keys under the newest version of the Key Vault key-encryption key ("keys.reseal"),
/// so an older version can be disabled once every row has moved.
/// </summary>
public sealed partial class MaintainKeysFunction(
    ISigningKeyRing ring, SecretKeys secretKeys, IAuditLog audit, TimeProvider time, ILogger<MaintainKeysFunction> logger) : IFunctionHandler
{
    public const string ResealKind = AuditKinds.KeysReseal;

    public const string AuditKind = AuditKinds.KeysRotate;
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
        var lines = change.Problem is null ? new List<string> { change.Summary } : [change.Summary, change.Problem];
        lines.Add(await ResealAsync(ct));
        return FunctionResult.Completed([.. lines]);
    }

    // A vault that refuses the re-seal must not stop the signing key's rotation above: reported, retried next hour.
    private async Task<string> ResealAsync(CancellationToken ct)
    {
        try
        {
            var resealed = await secretKeys.ResealAsync(ct);
            if (resealed.Count == 0)
                return "data keys: no change";
            var summary = "data keys re-sealed under the current key-encryption key: " + string.Join(", ", resealed);
            LogChanged(summary);
            await AuditAsync(ResealKind, AuditResults.Success, AuditReasons.Ok, summary, ct);
            return summary;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogResealFailed(e);
            await AuditAsync(ResealKind, AuditResults.Failure, "reseal_failed", e.Message, ct);
            return "data keys: re-seal failed: " + e.Message;
        }
    }

    private Task AuditAsync(string result, string reason, string detail, CancellationToken ct) => AuditAsync(AuditKind, result, reason, detail, ct);

    // The ring has already changed: a failed audit write must not hide that from this run's result and logs.
    private async Task AuditAsync(string kind, string result, string reason, string detail, CancellationToken ct)
    {
        try
        {
            await audit.AppendAsync(new AuditEvent { Time = time.GetUtcNow(), Kind = kind, Result = result, Reason = reason, Actor = Name, Detail = detail }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAuditFailed(e, detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not audit a key ring event: {Detail}")]
    private partial void LogAuditFailed(Exception exception, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not re-seal the data keys under the current key-encryption key")]
    private partial void LogResealFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing key ring needs attention: {Problem}")]
    private partial void LogProblem(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key ring changed: {Summary}")]
    private partial void LogChanged(string summary);
}
