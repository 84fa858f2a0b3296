using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// The backend's side of the Service Bus bridge, as the backend does it with Azure.Messaging.ServiceBus: a processor on the
/// request queue, the sealed password opened with the backend's key, the test's policy asked, and the decision sent to
/// the request's ReplyTo in the session named by its ReplyToSessionId (the edge id). Every request is kept.
/// </summary>
public sealed class ServiceBusBackendDouble : IAsyncDisposable
{
    private readonly ServiceBusClient _client;
    private readonly ServiceBusProcessor _processor;
    private readonly EdgeHost _edge;
    private readonly Func<AuthenticateRequest, string?, BackendAnswer?> _policy;

    private ServiceBusBackendDouble(string connectionString, string requestQueue, EdgeHost edge, Func<AuthenticateRequest, string?, BackendAnswer?> policy)
    {
        _edge = edge;
        _policy = policy;
        _client = new ServiceBusClient(connectionString);
        _processor = _client.CreateProcessor(requestQueue, new ServiceBusProcessorOptions { MaxConcurrentCalls = 4 });
        _processor.ProcessMessageAsync += OnRequestAsync;
        _processor.ProcessErrorAsync += _ => Task.CompletedTask;
    }

    public static async Task<ServiceBusBackendDouble> StartAsync(string connectionString, string requestQueue, EdgeHost edge,
        Func<AuthenticateRequest, string?, BackendAnswer?> policy)
    {
        var backend = new ServiceBusBackendDouble(connectionString, requestQueue, edge, policy);
        await backend._processor.StartProcessingAsync();
        return backend;
    }

    public ConcurrentQueue<(AuthenticateRequest Request, string? Password)> Received { get; } = new();

    public int CountFor(string user) => Received.Count(r => r.Request.UserName == user);

    private async Task OnRequestAsync(ProcessMessageEventArgs args)
    {
        var request = JsonSerializer.Deserialize<AuthenticateRequest>(args.Message.Body.ToMemory().Span, BridgeContract.Json)!;
        var password = request.Password is null
            ? null
            : Encoding.UTF8.GetString(PasswordSeal.Open(request.Password, _edge.BackendKey, request.RequestId, request.EdgeId));
        Received.Enqueue((request, password));
        var answer = _policy(request, password);
        if (answer is not null)
            _ = AnswerAsync(request, args.Message.ReplyTo, args.Message.ReplyToSessionId, answer);
        await args.CompleteMessageAsync(args.Message);
    }

    private async Task AnswerAsync(AuthenticateRequest request, string replyTo, string session, BackendAnswer answer)
    {
        if (answer.Delay > TimeSpan.Zero)
            await Task.Delay(answer.Delay);
        var decision = answer.Decision with { RequestId = request.RequestId, EdgeId = request.EdgeId };
        await using var sender = _client.CreateSender(replyTo);
        await sender.SendMessageAsync(new ServiceBusMessage(JsonSerializer.SerializeToUtf8Bytes(decision, BridgeContract.Json))
        {
            SessionId = session,
            CorrelationId = request.RequestId,
            ContentType = "application/json",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _processor.StopProcessingAsync();
        await _processor.DisposeAsync();
        await _client.DisposeAsync();
    }
}
