using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions host's non-HTTP triggers: fires timer functions on the schedules in their
/// function.json and delivers queue messages from an <see cref="IQueueMessageSource"/>, building the same invocation
/// bodies the host would POST and running them through the same <see cref="FunctionInvoker"/>.
/// </summary>
public sealed partial class FunctionPump(
    FunctionCatalog catalog,
    FunctionInvoker invoker,
    TimeProvider time,
    IEnumerable<IQueueMessageSource> queueSources,
    IConfiguration configuration,
    IOptions<HostingOptions> options,
    ILogger<FunctionPump> logger) : BackgroundService
{
    private readonly HostingOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Starts one loop per timer and queue function; each loop reads the clock before its first await.</summary>
    internal Task RunAsync(CancellationToken ct)
    {
        var loops = new List<Task>();
        var source = queueSources.LastOrDefault();
        foreach (var function in catalog.Functions)
        {
            if (function.IsDisabledBy(configuration))
            {
                LogDisabled(function.Name);
                continue;
            }
            if (function.IsTimer)
            {
                if (function.Schedule is null || !CronSchedule.TryParse(function.Schedule, out var schedule, out var error))
                {
                    LogBadSchedule(function.Name, function.Schedule);
                    continue;
                }
                loops.Add(RunTimerAsync(function, schedule!, ct));
            }
            else if (function.IsQueue)
            {
                if (source is null || function.QueueName is null)
                    LogNoQueueSource(function.Name);
                else
                    loops.Add(RunQueueAsync(function, ResolveSetting(function.QueueName), source, ct));
            }
        }
        return Task.WhenAll(loops);
    }

    private async Task RunTimerAsync(FunctionDefinition function, CronSchedule schedule, CancellationToken ct)
    {
        var last = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var next = schedule.NextAfter(last);
            if (next is null)
                return;
            if (!await DelayAsync(next.Value - time.GetUtcNow(), ct))
                return;

            var now = time.GetUtcNow();
            // Like the host: an occurrence missed by more than a minute (sleep, long pause) fires once, marked past due.
            var pastDue = now - next.Value > TimeSpan.FromMinutes(1);
            var body = HostPayload.ForTimer(function.Name, function.TriggerBindingName, now, pastDue, Guid.NewGuid());
            await InvokeAsync(function.Name, body, ct);
            last = pastDue ? now : next.Value;
        }
    }

    /// <summary>
    /// Like the host's queue trigger: messages of a batch are handled side by side, and the next batch is fetched once half a
    /// batch is left, so a queue that fills up is drained by up to 1.5 batches at a time rather than one message after another
    /// (a backlog also makes every Azurite call slower). Idle polling backs off from 100 ms (or the maximum, when lower).
    /// </summary>
    private async Task RunQueueAsync(FunctionDefinition function, string queueName, IQueueMessageSource source, CancellationToken ct)
    {
        var polling = _options.PollingOf(function.Name);
        var batch = Math.Clamp(polling.BatchSize!.Value, 1, 32);
        var maxInterval = polling.MaxPollingInterval!.Value;
        var minimum = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(100).Ticks, maxInterval.Ticks));
        var threshold = batch / 2;
        var idle = minimum;
        var running = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                running.RemoveAll(t => t.IsCompleted);
                if (running.Count > threshold)
                {
                    await Task.WhenAny(running);
                    continue;
                }

                IReadOnlyList<QueueTriggerMessage> messages;
                try
                {
                    messages = await source.ReceiveAsync(queueName, batch, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    LogReceiveFailed(e, function.Name, queueName);
                    messages = [];
                }

                if (messages.Count == 0)
                {
                    if (!await DelayAsync(idle, ct))
                        break;
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, maxInterval.Ticks));
                    continue;
                }

                idle = minimum;
                // On the thread pool: a handler's synchronous start (a password hash) must not hold up the next message.
                foreach (var message in messages)
                    running.Add(Task.Run(() => DeliverAsync(function, queueName, source, message, ct), CancellationToken.None));
            }
        }
        finally
        {
            // Stopping: let the messages in hand finish (or fail back to the queue), so none is half done.
            await Task.WhenAll(running);
        }
    }

    internal async Task DeliverAsync(FunctionDefinition function, string queueName, IQueueMessageSource source, QueueTriggerMessage message, CancellationToken ct)
    {
        var body = HostPayload.ForQueueMessage(function.Name, function.TriggerBindingName, message, time.GetUtcNow(), Guid.NewGuid());
        var completed = await InvokeAsync(function.Name, body, ct);
        try
        {
            if (completed)
                await source.CompleteAsync(queueName, message, ct);
            else if (message.DequeueCount >= _options.MaxDequeueCount)
                await source.MoveToPoisonAsync(queueName, message, ct);
            else
                await source.AbandonAsync(queueName, message, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The message becomes visible again when its lease ends: at-least-once, like the host.
            LogSettleFailed(e, function.Name, queueName);
        }
    }

    private async Task<bool> InvokeAsync(string functionName, byte[] body, CancellationToken ct)
    {
        var parsed = FunctionInvocationParser.Parse(functionName, body);
        var outcome = await invoker.InvokeAsync(parsed.Invocation!, ct);
        LogInvoked(functionName, outcome.Status);
        return outcome.Status == InvocationStatus.Completed;
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, time, ct);
            return !ct.IsCancellationRequested;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>function.json may name a queue through an app setting, "%Setting%", as the host allows.</summary>
    private string ResolveSetting(string value) =>
        value.Length > 2 && value[0] == '%' && value[^1] == '%' ? configuration[value[1..^1]] ?? value : value;

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {FunctionName} has an invalid schedule {Schedule}; it will not run")]
    private partial void LogBadSchedule(string functionName, string? schedule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName} is disabled by its AzureWebJobs.<name>.Disabled setting; it will not run")]
    private partial void LogDisabled(string functionName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue function {FunctionName} has no message source in standalone mode; it will not run")]
    private partial void LogNoQueueSource(string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving for {FunctionName} from queue {QueueName} failed")]
    private partial void LogReceiveFailed(Exception exception, string functionName, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling a message of {FunctionName} on queue {QueueName} failed")]
    private partial void LogSettleFailed(Exception exception, string functionName, string queueName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Function {FunctionName} ran in-process: {Status}")]
    private partial void LogInvoked(string functionName, InvocationStatus status);
}
