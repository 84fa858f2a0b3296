using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Benchmarks.Hosts;

/// <summary>
/// A stand-in for the backend over the real bridge (Azurite queues), as in the edge's tests but built for load: it polls
/// the request queue every 10 ms when empty, handles each batch concurrently, and answers Accept at once ("instant") or,
/// when holding, keeps every request until <see cref="ReleaseAllAsync"/>. It does not open sealed passwords (no policy
/// runs), so its own cost stays out of the edge's figures. Every request id and user name it saw is counted.
/// </summary>
public sealed class BackendDouble : IAsyncDisposable
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(10);
    private readonly QueueClient _requests;
    private readonly QueueClient _replies;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<AuthenticateRequest> _held = new();
    private readonly Task _loop;
    private volatile bool _holding;

    public BackendDouble(string connectionString, EdgeUnderTest edge, bool holding)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        _requests = new QueueClient(connectionString, edge.RequestQueue, options);
        _replies = new QueueClient(connectionString, edge.ReplyQueue, options);
        _holding = holding;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Bridge messages per user name: more than one for a user means a duplicate reached the backend.</summary>
    public ConcurrentDictionary<string, int> ByUser { get; } = new();
    public int Received => ByUser.Values.Sum();
    public int Held => _held.Count;
    /// <summary>Queue calls that failed (each is logged once per kind); the double keeps going.</summary>
    public int Errors => _errors;
    private int _errors;

    /// <summary>Answers every held request (Accept), <paramref name="parallel"/> at a time, and stops holding.</summary>
    public async Task ReleaseAllAsync(int parallel)
    {
        _holding = false;
        var batch = new List<AuthenticateRequest>();
        while (_held.TryDequeue(out var r))
            batch.Add(r);
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (r, ct) => await AnswerAsync(r, ct));
    }

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
                    await Task.Delay(IdlePoll, ct);
                    continue;
                }
                await Task.WhenAll(messages.Select(m => HandleAsync(m, ct)));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException)
            {
                // 404 before the edge created its queues; anything else is counted, and the double keeps serving.
                if (ex is not Azure.RequestFailedException { Status: 404 })
                    Interlocked.Increment(ref _errors);
                await Task.Delay(IdlePoll, ct);
            }
        }
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken ct)
    {
        try
        {
            await HandleOneAsync(message, ct);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or JsonException)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    private async Task HandleOneAsync(QueueMessage message, CancellationToken ct)
    {
        var request = JsonSerializer.Deserialize<AuthenticateRequest>(message.Body.ToString(), BridgeContract.Json)!;
        ByUser.AddOrUpdate(request.UserName ?? "", 1, (_, n) => n + 1);
        var delete = _requests.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
        if (_holding)
            _held.Enqueue(request);
        else
            await AnswerAsync(request, ct);
        await delete;
    }

    private Task AnswerAsync(AuthenticateRequest request, CancellationToken ct)
    {
        var decision = new Decision { RequestId = request.RequestId, EdgeId = request.EdgeId, Kind = DecisionKind.Accept, ReplyMessage = "ok" };
        return _replies.SendMessageAsync(JsonSerializer.Serialize(decision, BridgeContract.Json), ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
