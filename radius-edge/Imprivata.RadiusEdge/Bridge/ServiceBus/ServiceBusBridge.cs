using Azure.Core;
using Azure.Messaging.ServiceBus;
using Imprivata.RadiusEdge.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>
/// The bridge over Azure Service Bus (Azure.Messaging.ServiceBus): requests to one shared entity, decisions from this
/// edge's session (session id = edge id) of a session-enabled reply entity, through a session processor that reconnects
/// on its own; its errors and recoveries drive the health status.
/// </summary>
public sealed class ServiceBusBridge : IBridge, IAsyncDisposable
{
    private readonly ServiceBusOptions _options;
    private readonly string _requestEntity;
    private readonly string _edgeId;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceBusBridge> _logger;
    private readonly ServiceBusClient _client;
    private readonly ServiceBusSender _sender;

    /// <param name="credential">The Entra credential (Auth = Entra); from the settings when none is given.</param>
    /// <param name="transport">Client options to start from (tests: a certificate check for a loopback namespace).</param>
    public ServiceBusBridge(IOptions<EdgeOptions> options, TimeProvider time, ILogger<ServiceBusBridge> logger,
        TokenCredential? credential = null, ServiceBusClientOptions? transport = null)
    {
        _options = options.Value.Bridge.ServiceBus;
        _requestEntity = options.Value.Bridge.RequestQueue;
        _edgeId = options.Value.EdgeId;
        _time = time;
        _logger = logger;
        _client = ServiceBusClients.Create(_options, credential, transport);
        _sender = _client.CreateSender(_requestEntity);
    }

    public BridgeStatus Status { get; } = new() { Kind = "ServiceBus" };

    /// <summary>Opens the request link (connection, authorization, attach), so that a refusal fails the start, clearly.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var probe = await _sender.CreateMessageBatchAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ServiceBusException or UnauthorizedAccessException)
        {
            Status.Failed("start: " + Describe(ex));
            throw new InvalidOperationException(
                $"RadiusEdge: Service Bus {ServiceBusClients.Describe(_options)} refused the request entity '{_requestEntity}': {Describe(ex)}", ex);
        }
        Status.Succeeded(_time.GetUtcNow());
        _logger.LogInformation("Service Bus bridge connected to {Namespace}", ServiceBusClients.Describe(_options));
    }

    public async Task SendAsync(AuthenticateRequest request, CancellationToken cancellationToken)
    {
        var message = ServiceBusMessages.Request(request, _options.ReplyEntity, request.Deadline - _time.GetUtcNow());
        try
        {
            await _sender.SendMessageAsync(message, cancellationToken);
            Status.Succeeded(_time.GetUtcNow());
        }
        catch (Exception ex) when (ex is ServiceBusException or UnauthorizedAccessException)
        {
            Status.Failed("send: " + Describe(ex));
            // Refusals are known not to have landed; a timeout or a lost connection may have (the caller keeps the request).
            if (ex is UnauthorizedAccessException || ex is ServiceBusException
                {
                    Reason: ServiceBusFailureReason.MessagingEntityNotFound or ServiceBusFailureReason.MessagingEntityDisabled
                        or ServiceBusFailureReason.QuotaExceeded or ServiceBusFailureReason.MessageSizeExceeded
                })
                throw new BridgeRefusedException("Service Bus refused the request: " + Describe(ex), ex);
            throw;
        }
    }

    public async Task ReceiveAsync(Func<Decision, CancellationToken, Task> onDecision, CancellationToken cancellationToken)
    {
        await using var processor = _client.CreateSessionProcessor(_options.ReplyEntity, new ServiceBusSessionProcessorOptions
        {
            SessionIds = { _edgeId },
            MaxConcurrentSessions = 1,
            MaxConcurrentCallsPerSession = Math.Max(1, _options.ReplyConcurrency),
            PrefetchCount = Math.Max(0, _options.ReplyCredit),
            AutoCompleteMessages = false,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
        });
        processor.ProcessMessageAsync += args => HandleAsync(args, onDecision);
        processor.ProcessErrorAsync += OnErrorAsync;
        processor.SessionInitializingAsync += _ =>
        {
            Status.Succeeded(_time.GetUtcNow());
            return Task.CompletedTask;
        };
        await processor.StartProcessingAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
        }
        finally
        {
            await processor.StopProcessingAsync(CancellationToken.None);
        }
    }

    private async Task HandleAsync(ProcessSessionMessageEventArgs args, Func<Decision, CancellationToken, Task> onDecision)
    {
        var message = args.Message;
        var (decision, failure) = ServiceBusMessages.Decision(message, _edgeId);
        if (decision is null)
        {
            // Dead-lettered with the reason: it would fail the same way on every redelivery.
            _logger.LogWarning("Malformed reply {MessageId} dead-lettered: {Reason}", message.MessageId, failure);
            await args.DeadLetterMessageAsync(message, "malformed_decision", failure, args.CancellationToken);
            return;
        }
        try
        {
            await onDecision(decision, args.CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Decision {MessageId} for request {RequestId} could not be applied; dead-lettered", message.MessageId, decision.RequestId);
            await args.DeadLetterMessageAsync(message, "apply_failed", "the edge failed to apply the decision", args.CancellationToken);
            return;
        }
        // Completed once handled: a decision is applied at most once (a redelivered copy finds no pending request).
        await args.CompleteMessageAsync(message, args.CancellationToken);
        Status.Succeeded(_time.GetUtcNow());
    }

    private Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        // The processor retries and reconnects by itself; until a session is accepted again, health says why not.
        Status.Failed($"{args.ErrorSource}: {Describe(args.Exception)}");
        _logger.LogWarning("Service Bus reply session {Source}: {Reason}", args.ErrorSource, Describe(args.Exception));
        return Task.CompletedTask;
    }

    /// <summary>The failure reason and type, never the message text of an unknown exception (it could quote a connection string).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        ServiceBusException sb => $"{sb.Reason}",
        UnauthorizedAccessException => "unauthorized",
        _ => ex.GetType().Name,
    };

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _client.DisposeAsync();
    }
}
