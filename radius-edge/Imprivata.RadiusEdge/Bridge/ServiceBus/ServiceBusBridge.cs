using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Azure.Core;
using Azure.Identity;
using Imprivata.RadiusEdge.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>
/// The bridge over Azure Service Bus, spoken as AMQP 1.0 (AMQPNetLite): requests to one shared entity, decisions from the
/// session of a session-enabled reply entity named by the edge id. One connection at a time; when it or a link closes,
/// a supervisor reconnects with backoff and the health status says so meanwhile.
/// </summary>
public sealed class ServiceBusBridge : IBridge, IAsyncDisposable
{
    private readonly ServiceBusOptions _options;
    private readonly string _requestEntity;
    private readonly string _edgeId;
    private readonly ServiceBusEndpoint _endpoint;
    private readonly IServiceBusAuthorization _authorization;
    private readonly TimeProvider _time;
    private readonly ILogger<ServiceBusBridge> _logger;
    private readonly Channel<ReceivedReply> _replies = Channel.CreateUnbounded<ReceivedReply>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private volatile ServiceBusConnection? _current;
    private Task? _supervisor;

    /// <param name="credential">The Entra credential (Auth = Entra); <see cref="DefaultAzureCredential"/> when none is given.</param>
    public ServiceBusBridge(IOptions<EdgeOptions> options, TimeProvider time, ILogger<ServiceBusBridge> logger, TokenCredential? credential = null)
    {
        _options = options.Value.Bridge.ServiceBus;
        _requestEntity = options.Value.Bridge.RequestQueue;
        _edgeId = options.Value.EdgeId;
        _time = time;
        _logger = logger;
        _endpoint = ServiceBusEndpoint.From(_options);
        _authorization = _options.Auth switch
        {
            ServiceBusAuth.Sas => new SasAuthorization(_endpoint, _options),
            _ => new CbsTokenAuthorization(_endpoint, credential ?? new DefaultAzureCredential(), _options, time),
        };
    }

    public BridgeStatus Status { get; } = new() { Kind = "ServiceBus" };

    /// <summary>Opens the first connection (a refusal fails the start, clearly), then keeps one open until disposed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(cancellationToken);
        }
        catch (ServiceBusFailure ex)
        {
            Status.Failed(ex.Message);
            throw;
        }
        _supervisor = Task.Run(() => SuperviseAsync(_stop.Token), CancellationToken.None);
    }

    public async Task SendAsync(AuthenticateRequest request, CancellationToken cancellationToken)
    {
        var connection = _current ?? throw new ServiceBusFailure("The Service Bus bridge is not connected.");
        // The message must not outlive the request's deadline: a stale request would only cause a late push.
        var message = ServiceBusMessages.Request(request, _options.ReplyEntity, request.Deadline - _time.GetUtcNow());
        try
        {
            await connection.Requests.SendAsync(message).WaitAsync(_options.OperationTimeout, cancellationToken);
        }
        catch (AmqpException ex)
        {
            Status.Failed("send: " + ServiceBusFailure.Describe(ex.Error));
            throw new ServiceBusFailure("Service Bus did not accept the request: " + ServiceBusFailure.Describe(ex.Error), ex);
        }
        catch (Exception ex) when (ex is TimeoutException or ObjectDisposedException)
        {
            Status.Failed("send: " + ex.GetType().Name);
            throw new ServiceBusFailure("Service Bus did not settle the request: " + ex.GetType().Name, ex);
        }
    }

    public async Task ReceiveAsync(Func<Decision, CancellationToken, Task> onDecision, CancellationToken cancellationToken)
    {
        await foreach (var reply in _replies.Reader.ReadAllAsync(cancellationToken))
            await HandleAsync(reply, onDecision, cancellationToken);
    }

    private async Task HandleAsync(ReceivedReply reply, Func<Decision, CancellationToken, Task> onDecision, CancellationToken ct)
    {
        var messageId = reply.Message.Properties?.MessageId;
        var (decision, failure) = ServiceBusMessages.Decision(reply.Message, _edgeId);
        if (decision is null)
        {
            // Rejected = dead-lettered by Service Bus with this reason: it would fail the same way on every redelivery.
            _logger.LogWarning("Malformed reply {MessageId} dead-lettered: {Reason}", messageId, failure);
            Settle(reply, new Error(ErrorCode.DecodeError) { Description = failure });
            return;
        }
        try
        {
            await onDecision(decision, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Decision {MessageId} for request {RequestId} could not be applied; dead-lettered", messageId, decision.RequestId);
            Settle(reply, new Error(ErrorCode.InternalError) { Description = "the edge failed to apply the decision" });
            return;
        }
        // Completed once handled: a decision is applied at most once (a redelivered copy finds no pending request).
        Settle(reply, rejection: null);
    }

    private void Settle(ReceivedReply reply, Error? rejection)
    {
        try
        {
            if (rejection is null)
                reply.Link.Accept(reply.Message);
            else
                reply.Link.Reject(reply.Message, rejection);
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException or InvalidOperationException)
        {
            // The link went away meanwhile: the lock lapses and Service Bus redelivers on the next session receiver.
            _logger.LogInformation("Reply {MessageId} not settled: its link is closed", reply.Message.Properties?.MessageId);
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var connection = await ServiceBusConnection.OpenAsync(_endpoint, _authorization, _options, _requestEntity, _edgeId,
            reply => _replies.Writer.TryWrite(reply), ct);
        _current = connection;
        Status.Succeeded(_time.GetUtcNow());
        _logger.LogInformation("Service Bus bridge connected to {Namespace} with {Authorization}", _endpoint.Namespace,
            _authorization.Description);
        if (connection.Lease.RenewAt is not null)
            _ = RenewAsync(connection, _stop.Token);
    }

    /// <summary>Waits for the connection to close, then reconnects with exponential backoff until it succeeds.</summary>
    private async Task SuperviseAsync(CancellationToken stop)
    {
        var delay = _options.ReconnectMinDelay;
        while (!stop.IsCancellationRequested)
        {
            if (_current is { } connection)
            {
                var reason = await connection.Closed.WaitAsync(stop).ConfigureAwait(false);
                _current = null;
                Status.Failed(reason);
                _logger.LogWarning("Service Bus connection lost ({Reason}); reconnecting", reason);
                await connection.DisposeAsync();
                delay = _options.ReconnectMinDelay;
            }
            await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            try
            {
                await ConnectAsync(stop);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                // Whatever failed, the supervisor must live on: it is the only thing that brings the bridge back.
                var reason = ex is ServiceBusFailure ? ex.Message : ex.GetType().Name;
                Status.Failed(reason);
                _logger.LogWarning("Service Bus reconnect failed, next try in {Delay}: {Reason}", delay, reason);
                delay = delay * 2 < _options.ReconnectMaxDelay ? delay * 2 : _options.ReconnectMaxDelay;
            }
        }
    }

    /// <summary>Renews the CBS token ahead of its expiry, for as long as this connection lives.</summary>
    private async Task RenewAsync(ServiceBusConnection connection, CancellationToken stop)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop, connection.Lifetime);
        try
        {
            while (connection.Lease.RenewAt is { } renewAt)
            {
                var wait = renewAt - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, _time, lifetime.Token).ConfigureAwait(false);
                await connection.Lease.RenewAsync(lifetime.Token);
                _logger.LogInformation("Service Bus token renewed; next renewal at {RenewAt}", connection.Lease.RenewAt);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The bridge stopped or the connection closed: the next connection puts its own token.
        }
        catch (Exception ex) when (ex is ServiceBusFailure or AmqpException or Azure.Identity.AuthenticationFailedException)
        {
            // Without a fresh token Service Bus would stop the links at expiry anyway: reconnect now, with a new token.
            _logger.LogWarning("Service Bus token renewal failed: {Reason}", ex.Message);
            connection.Fail("token renewal failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_supervisor is not null)
        {
            try
            {
                await _supervisor;
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (_current is { } connection)
            await connection.DisposeAsync();
        _stop.Dispose();
    }
}
