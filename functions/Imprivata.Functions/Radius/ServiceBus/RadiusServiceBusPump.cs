using Azure.Messaging.ServiceBus;
using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Radius.ServiceBus;

/// <summary>
/// Standalone mode's stand-in for the host's Service Bus trigger (Imprivata:Radius:Bus = ServiceBus): a processor on the
/// request entity hands each message, as the host's invocation body, to the same handler through the same
/// <see cref="FunctionInvoker"/>; completed when it succeeded, abandoned when not, so the entity redelivers it and
/// dead-letters it after its max delivery count.
/// </summary>
public sealed partial class RadiusServiceBusPump(
    RadiusServiceBusConnection connection,
    FunctionInvoker invoker,
    TimeProvider time,
    IConfiguration configuration,
    ILogger<RadiusServiceBusPump> logger) : IHostedService, IAsyncDisposable
{
    private ServiceBusProcessor? _processor;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (FunctionCatalog.IsDisabled(configuration, RadiusRequestServiceBusFunction.Name))
        {
            LogDisabled();
            return;
        }
        var entity = configuration[RadiusSetup.RequestQueueSetting] ?? RadiusSetup.DefaultRequestQueue;
        _processor = connection.Client.CreateProcessor(entity, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = connection.Options.MaxConcurrentCalls,
            PrefetchCount = connection.Options.MaxConcurrentCalls,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
        });
        _processor.ProcessMessageAsync += ProcessAsync;
        _processor.ProcessErrorAsync += OnErrorAsync;
        // The processor connects in the background and retries by itself: a namespace not reachable yet does not stop the app.
        await _processor.StartProcessingAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(entity, connection.Options.Describe());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Messages in hand finish (or are abandoned) before the processor closes, so none is half done.
        if (_processor is not null)
            await _processor.StopProcessingAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task ProcessAsync(ProcessMessageEventArgs args)
    {
        var m = args.Message;
        var message = new ServiceBusTriggerMessage(m.Body.ToString(), m.MessageId, m.DeliveryCount, m.SessionId, m.ReplyTo, m.ReplyToSessionId,
            m.CorrelationId, m.ContentType, m.SequenceNumber, m.EnqueuedTime, m.ExpiresAt);
        var body = HostPayload.ForServiceBusMessage(RadiusRequestServiceBusFunction.Name, RadiusRequestServiceBusFunction.Binding, message,
            time.GetUtcNow(), Guid.NewGuid());
        var parsed = FunctionInvocationParser.Parse(RadiusRequestServiceBusFunction.Name, body);
        var outcome = await invoker.InvokeAsync(parsed.Invocation!, args.CancellationToken).ConfigureAwait(false);
        if (outcome.Status == InvocationStatus.Completed)
            await args.CompleteMessageAsync(m, args.CancellationToken).ConfigureAwait(false);
        else
            await args.AbandonMessageAsync(m, cancellationToken: args.CancellationToken).ConfigureAwait(false);
    }

    private Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        // The processor reconnects by itself; the reason only (an exception's text could quote a connection string).
        LogError(args.ErrorSource.ToString(), args.Exception is ServiceBusException sb ? sb.Reason.ToString() : args.Exception.GetType().Name);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_processor is not null)
            await _processor.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RADIUS requests from Service Bus entity {Entity} on {Namespace}")]
    private partial void LogStarted(string entity, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "The RadiusRequestServiceBus function is disabled by its AzureWebJobs setting; no Service Bus requests are read")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service Bus request processor {Source}: {Reason}")]
    private partial void LogError(string source, string reason);
}
