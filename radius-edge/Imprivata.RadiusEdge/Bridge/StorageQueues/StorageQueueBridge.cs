using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Imprivata.RadiusEdge.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Bridge.StorageQueues;

/// <summary>
/// The bridge over Azure Storage Queues (Azurite locally): requests to one shared queue, decisions on a queue per edge
/// (<c>ReplyQueuePrefix + EdgeId</c>). Messages are JSON, base64-encoded as the Functions queue trigger expects by default.
/// </summary>
public sealed class StorageQueueBridge : IBridge
{
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);
    private readonly QueueClient _requests;
    private readonly QueueClient _replies;
    private readonly BridgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageQueueBridge> _logger;

    public StorageQueueBridge(IOptions<EdgeOptions> options, TimeProvider time, ILogger<StorageQueueBridge> logger)
    {
        _options = options.Value.Bridge;
        _time = time;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(_options.StorageConnectionString))
            throw new InvalidOperationException("RadiusEdge: Bridge:StorageConnectionString is required for the StorageQueues bridge.");
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        _requests = new QueueClient(_options.StorageConnectionString, _options.RequestQueue, clientOptions);
        _replies = new QueueClient(_options.StorageConnectionString, ReplyQueueName(_options.ReplyQueuePrefix, options.Value.EdgeId), clientOptions);
    }

    public BridgeStatus Status { get; } = new() { Kind = "StorageQueues" };

    /// <summary>Queue names are 3-63 lowercase letters, digits and single hyphens.</summary>
    public static string ReplyQueueName(string prefix, string edgeId)
    {
        var chars = (prefix + edgeId).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var name = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _requests.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _replies.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        Status.Succeeded(_time.GetUtcNow());
    }

    public async Task SendAsync(AuthenticateRequest request, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(request, BridgeContract.Json);
        // The message must not outlive the request's deadline: a stale request would only cause a late push.
        var ttl = request.Deadline - _time.GetUtcNow();
        try
        {
            await _requests.SendMessageAsync(json, visibilityTimeout: null, timeToLive: ttl > TimeSpan.Zero ? ttl : TimeSpan.FromSeconds(1),
                cancellationToken);
            Status.Succeeded(_time.GetUtcNow());
        }
        catch (RequestFailedException ex)
        {
            Status.Failed($"send: {ex.Status} {ex.ErrorCode}");
            // The service answered with an error (4xx, or 503 server busy): the message was not stored.
            if (ex.Status is >= 400 and < 500 or 503)
                throw new BridgeRefusedException($"the request queue refused the message: {ex.Status} {ex.ErrorCode}", ex);
            throw;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            // No connection was made, so nothing was sent.
            Status.Failed("send: " + ex.HttpRequestError);
            throw new BridgeRefusedException("the request queue is unreachable", ex);
        }
    }

    public async Task ReceiveAsync(Func<Decision, CancellationToken, Task> onDecision, CancellationToken cancellationToken)
    {
        // Poll again at once while replies flow; when the queue is empty, back off from MinPollInterval to PollInterval,
        // so an answer waits ~MinPollInterval under load and an idle edge costs few transactions.
        var idleDelay = _options.MinPollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await _replies.ReceiveMessagesAsync(32, VisibilityTimeout, cancellationToken)).Value;
                Status.Succeeded(_time.GetUtcNow());
            }
            catch (RequestFailedException ex)
            {
                Status.Failed($"receive: {ex.Status} {ex.ErrorCode}");
                _logger.LogWarning("Reply queue receive failed: {Status} {ErrorCode}", ex.Status, ex.ErrorCode);
                await Task.Delay(TimeSpan.FromSeconds(2), _time, cancellationToken);
                continue;
            }
            catch (HttpRequestException ex)
            {
                Status.Failed("receive: " + ex.HttpRequestError);
                await Task.Delay(TimeSpan.FromSeconds(2), _time, cancellationToken);
                continue;
            }
            if (messages.Length == 0)
            {
                await Task.Delay(idleDelay, _time, cancellationToken);
                idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, _options.PollInterval.Ticks));
                continue;
            }
            idleDelay = _options.MinPollInterval;
            // Each reply is independent: settle the batch concurrently rather than one queue round trip after another.
            await Task.WhenAll(messages.Select(message => HandleAsync(message, onDecision, cancellationToken)));
        }
    }

    private async Task HandleAsync(QueueMessage message, Func<Decision, CancellationToken, Task> onDecision, CancellationToken ct)
    {
        var decision = TryRead(message);
        try
        {
            if (decision is not null)
                await onDecision(decision, ct);
            else
                _logger.LogWarning("Unreadable message {MessageId} on the reply queue discarded", message.MessageId);
            // Settled once handled: a decision is applied at most once (a second copy finds no pending request anyway).
            await _replies.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // One bad reply (or an expired pop receipt) must never stop the receiver, and with it the whole edge.
            _logger.LogWarning(ex, "Reply {MessageId} could not be settled", message.MessageId);
        }
    }

    private static Decision? TryRead(QueueMessage message)
    {
        try
        {
            return JsonSerializer.Deserialize<Decision>(message.Body.ToString(), BridgeContract.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
