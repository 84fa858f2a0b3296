using System.Security.Cryptography;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Imprivata.RadiusEdge.Bridge.StorageQueues;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// A small stand-in for the backend, answering over the real bridge (Azurite queues): reads "authenticate" messages,
/// opens the sealed password with the backend's private key, asks the test's policy for a decision, and posts it on
/// the edge's reply queue (after an optional delay). Every message it received is kept for assertions.
/// </summary>
public sealed class BackendDouble : IAsyncDisposable
{
    private readonly QueueClient _requests;
    private readonly QueueClient _replies;
    private readonly Func<AuthenticateRequest, string?, BackendAnswer?> _policy;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly RSA _key;

    /// <param name="sealKey">The private key passwords are sealed to, when not the edge's configured one (the console's seal key).</param>
    public BackendDouble(EdgeHost edge, Func<AuthenticateRequest, string?, BackendAnswer?> policy, RSA? sealKey = null)
    {
        _key = sealKey ?? edge.BackendKey;
        _policy = policy;
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        _requests = new QueueClient(Azurite.ConnectionString, edge.RequestQueue, options);
        _replies = new QueueClient(Azurite.ConnectionString, StorageQueueBridge.ReplyQueueName("radius-replies-", edge.EdgeId), options);
        _loop = Task.Run(RunAsync);
    }

    public ConcurrentQueue<(AuthenticateRequest Request, string? Password)> Received { get; } = new();

    public int CountFor(string user) => Received.Count(r => r.Request.UserName == user);

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var messages = (await _requests.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), ct)).Value;
                if (messages.Length == 0)
                {
                    await Task.Delay(50, ct);
                    continue;
                }
                foreach (var message in messages)
                {
                    await _requests.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    var request = JsonSerializer.Deserialize<AuthenticateRequest>(message.Body.ToString(), BridgeContract.Json)!;
                    var password = request.Password is null
                        ? null
                        : Encoding.UTF8.GetString(PasswordSeal.Open(request.Password, _key, request.RequestId, request.EdgeId));
                    Received.Enqueue((request, password));
                    var answer = _policy(request, password);
                    if (answer is not null)
                        _ = AnswerAsync(request, answer, ct);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                await Task.Delay(50, ct); // the edge has not created its queues yet
            }
        }
    }

    private async Task AnswerAsync(AuthenticateRequest request, BackendAnswer answer, CancellationToken ct)
    {
        if (answer.Delay > TimeSpan.Zero)
            await Task.Delay(answer.Delay, ct);
        var decision = answer.Decision with { RequestId = request.RequestId, EdgeId = request.EdgeId };
        await _replies.SendMessageAsync(JsonSerializer.Serialize(decision, BridgeContract.Json), ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

/// <summary>The double's answer: a decision (request and edge ids filled in for you) and how long to wait first.</summary>
public sealed record BackendAnswer(Decision Decision, TimeSpan Delay = default)
{
    public static BackendAnswer Of(DecisionKind kind, string? replyMessage = null, string? state = null,
        IReadOnlyList<BridgeAttribute>? attributes = null, TimeSpan delay = default) =>
        new(new Decision { RequestId = "", EdgeId = "", Kind = kind, ReplyMessage = replyMessage, State = state, Attributes = attributes }, delay);
}
