using System.Collections.Concurrent;
using Amqp;
using Amqp.Framing;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>
/// The claims-based security node (<c>$cbs</c>) of one connection: put-token requests and their responses, over a
/// sender / receiver link pair kept open for renewals (AMQP CBS draft; Service Bus: "AMQP 1.0 claims-based authorization").
/// </summary>
internal sealed class CbsClient
{
    public const string Node = "$cbs";
    private readonly SenderLink _requests;
    private readonly ReceiverLink _responses;
    private readonly string _replyTo;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Message>> _pending = new();

    private CbsClient(SenderLink requests, ReceiverLink responses, string replyTo, TimeSpan timeout)
    {
        _requests = requests;
        _responses = responses;
        _replyTo = replyTo;
        _timeout = timeout;
        _responses.Start(10, OnResponse);
    }

    public static async Task<CbsClient> OpenAsync(Connection connection, TimeSpan timeout, CancellationToken ct)
    {
        var session = new Session(connection);
        // A reply address of our own: the node routes responses by reply-to, and another client's must not collide.
        var replyTo = "cbs-" + Guid.NewGuid().ToString("N");
        var requests = await AmqpLinks.AttachSenderAsync(session, replyTo + "-requests", Node, timeout, ct);
        var responses = await AmqpLinks.AttachReceiverAsync(session, replyTo + "-responses", new Source { Address = Node },
            new Target { Address = replyTo }, timeout, ct);
        return new CbsClient(requests, responses, replyTo, timeout);
    }

    /// <summary>Puts a JWT for one entity; throws <see cref="ServiceBusFailure"/> unless the node answers 200 or 202.</summary>
    public async Task PutTokenAsync(string token, string audience, DateTimeOffset expiresOn, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var request = new Message(token)
        {
            Properties = new Properties { MessageId = id, ReplyTo = _replyTo },
            ApplicationProperties = new ApplicationProperties(),
        };
        request.ApplicationProperties["operation"] = "put-token";
        request.ApplicationProperties["type"] = "jwt";
        request.ApplicationProperties["name"] = audience;
        request.ApplicationProperties["expiration"] = expiresOn.UtcDateTime;

        var response = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        try
        {
            await _requests.SendAsync(request).WaitAsync(_timeout, ct);
            var answer = await response.Task.WaitAsync(_timeout, ct);
            var status = answer.ApplicationProperties?["status-code"] is { } code ? Convert.ToInt32(code) : 0;
            if (status is not (200 or 202))
                throw new ServiceBusFailure(
                    $"Service Bus refused the token for '{audience}': status {status} {answer.ApplicationProperties?["status-description"]}");
        }
        catch (TimeoutException ex)
        {
            throw new ServiceBusFailure($"Service Bus did not answer put-token for '{audience}' within {_timeout.TotalSeconds:0} s.", ex);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void OnResponse(IReceiverLink link, Message message)
    {
        link.Accept(message);
        if (message.Properties?.CorrelationId is { } id && _pending.TryGetValue(id, out var waiter))
            waiter.TrySetResult(message);
    }
}
