namespace Imprivata.Functions.Hosting;

/// <summary>
/// Timer function "PurgeExpired" (every 5 minutes, FunctionApp/PurgeExpired/function.json): runs every registered
/// <see cref="IPurgeTask"/>. One failing task does not stop the others; the invocation then fails so the host logs it.
/// </summary>
public sealed partial class PurgeExpiredFunction(IEnumerable<IPurgeTask> tasks, TimeProvider time, ILogger<PurgeExpiredFunction> logger) : IFunctionHandler
{
    public const string Name = "PurgeExpired";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var logs = new List<string>();
        var failed = new List<string>();
        foreach (var task in tasks)
        {
            try
            {
                var count = await task.PurgeAsync(now, ct);
                LogPurged(task.Name, count);
                logs.Add($"{task.Name}: purged {count}");
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogPurgeFailed(e, task.Name);
                failed.Add(task.Name);
                logs.Add($"{task.Name}: failed");
            }
        }
        return failed.Count == 0 ? FunctionResult.Completed(logs) : FunctionResult.Failed([.. logs]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purge task {PurgeTask} deleted {Count} expired items")]
    private partial void LogPurged(string purgeTask, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Purge task {PurgeTask} failed")]
    private partial void LogPurgeFailed(Exception exception, string purgeTask);
}
