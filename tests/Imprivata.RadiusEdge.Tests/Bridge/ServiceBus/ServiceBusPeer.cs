using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Imprivata.RadiusEdge.Tests.Bridge.ServiceBus;

/// <summary>
/// An AMQP 1.0 peer playing Service Bus on 127.0.0.1 (AMQPNetLite's ContainerHost), enforcing what the edge relies on:
/// SASL PLAIN credentials (a wrong key fails the SASL outcome); with ANONYMOUS, entity links are refused until a put-token
/// on <c>$cbs</c> carried a token the test credential issued; the reply entity only accepts session receivers
/// (<c>com.microsoft:session-filter</c>) and delivers only the messages whose group-id is that session.
/// Everything the edge sent and settled is recorded for assertions.
/// </summary>
public sealed class ServiceBusPeer : IAsyncDisposable
{
    public const string Namespace = "unit.servicebus.windows.net";
    public const string RequestEntity = "radius-requests";
    public const string ReplyEntity = "radius-replies";
    private const string SessionFilter = "com.microsoft:session-filter";

    private readonly ContainerHost _host;
    private readonly Func<string, bool>? _validToken;
    private readonly ConcurrentDictionary<ListenerConnection, ConcurrentDictionary<string, bool>> _connections = new();
    private readonly ReplyStore _replies;

    /// <param name="sas">Enables SASL PLAIN with this rule name and key.</param>
    /// <param name="validToken">Enables SASL ANONYMOUS + CBS; tokens are checked with it.</param>
    public ServiceBusPeer((string Name, string Key)? sas = null, Func<string, bool>? validToken = null)
    {
        Port = FreePort();
        _validToken = validToken;
        _replies = new ReplyStore(this);
        _host = new ContainerHost(new Address($"amqp://127.0.0.1:{Port}"));
        var sasl = _host.Listeners[0].SASL;
        if (sas is { } rule)
            sasl.EnablePlainMechanism(rule.Name, rule.Key);
        sasl.EnableAnonymousMechanism = validToken is not null;
        _host.RegisterRequestProcessor("$cbs", new CbsNode(this));
        _host.RegisterLinkProcessor(new EntityLinks(this));
        _host.Open();
    }

    public int Port { get; }
    public string Endpoint => $"amqp://127.0.0.1:{Port}";

    /// <summary>While true, every entity link is refused (a broker that is there but not serving).</summary>
    public volatile bool Refusing;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public ConcurrentQueue<RecordedPutToken> PutTokens { get; } = new();
    public ConcurrentQueue<RecordedSettlement> Settlements { get; } = new();
    public ConcurrentQueue<string> AttachedEntities { get; } = new();
    public ConcurrentQueue<string> RefusedAttaches { get; } = new();
    public int Connections => _connections.Count;

    public static string Audience(string entity) => $"amqp://{Namespace}/{entity}";

    /// <summary>Puts a message on the reply entity, in the session <paramref name="sessionId"/> (AMQP group-id).</summary>
    public void PublishReply(string sessionId, string messageId, byte[] body) =>
        _replies.Publish(new Message
        {
            Properties = new Properties { MessageId = messageId, GroupId = sessionId },
            BodySection = new Data { Binary = body },
        });

    public int UndeliveredIn(string sessionId) => _replies.Undelivered(sessionId);

    /// <summary>Closes every open connection from the broker's side (amqp:connection:forced).</summary>
    public void DropConnections()
    {
        foreach (var connection in _connections.Keys)
        {
            _connections.TryRemove(connection, out _);
            connection.Close(TimeSpan.Zero, new Error(ErrorCode.ConnectionForced) { Description = "test dropped the connection" });
        }
    }

    public ValueTask DisposeAsync()
    {
        DropConnections();
        _host.Close();
        return ValueTask.CompletedTask;
    }

    private ConcurrentDictionary<string, bool> Claims(ListenerConnection connection)
    {
        if (_connections.TryGetValue(connection, out var claims))
            return claims;
        claims = _connections.GetOrAdd(connection, _ => new());
        connection.AddClosedCallback((_, _) => _connections.TryRemove(connection, out _));
        return claims;
    }

    /// <summary>SASL PLAIN authenticates the connection for every entity; ANONYMOUS needs a put-token per entity.</summary>
    private bool Authorized(ListenerConnection connection, string entity) =>
        connection.Principal?.Identity?.AuthenticationType == "PLAIN" || Claims(connection).ContainsKey(Audience(entity));

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>The $cbs node: put-token with type jwt for an entity of this namespace, token checked, 202 or 401.</summary>
    private sealed class CbsNode(ServiceBusPeer peer) : IRequestProcessor
    {
        public int Credit => 10;

        public void Process(RequestContext context)
        {
            var connection = (ListenerConnection)context.Link.Session.Connection;
            var properties = context.Message.ApplicationProperties;
            var token = context.Message.Body as string ?? "";
            var name = properties?["name"] as string ?? "";
            var type = properties?["type"] as string;
            var expiration = properties?["expiration"] as DateTime?;
            var valid = properties?["operation"] as string == "put-token" && type == "jwt" && expiration is not null &&
                        name.StartsWith($"amqp://{Namespace}/", StringComparison.Ordinal) && peer._validToken?.Invoke(token) == true;
            peer.PutTokens.Enqueue(new RecordedPutToken(name, type, token, expiration, valid));
            if (valid)
                peer.Claims(connection)[name] = true;
            var response = new Message { ApplicationProperties = new ApplicationProperties() };
            response.ApplicationProperties["status-code"] = valid ? 202 : 401;
            response.ApplicationProperties["status-description"] = valid ? "Accepted" : "Unauthorized";
            context.Complete(response);
        }
    }

    private sealed class EntityLinks(ServiceBusPeer peer) : ILinkProcessor
    {
        public void Process(AttachContext context)
        {
            var connection = (ListenerConnection)context.Link.Session.Connection;
            peer.Claims(connection);
            var attach = context.Attach;
            // attach.Role true: the edge receives (the peer sends from the source).
            var entity = attach.Role ? ((Source)attach.Source).Address : ((Target)attach.Target).Address;
            if (peer.Refusing)
            {
                Refuse(context, entity, ErrorCode.ResourceLimitExceeded, "the test broker is refusing links");
                return;
            }
            if (entity is not (RequestEntity or ReplyEntity))
            {
                Refuse(context, entity, ErrorCode.NotFound, "no such entity");
                return;
            }
            if (!peer.Authorized(connection, entity))
            {
                Refuse(context, entity, ErrorCode.UnauthorizedAccess, "put-token first");
                return;
            }
            if (!attach.Role && entity == RequestEntity)
            {
                peer.AttachedEntities.Enqueue(entity);
                context.Complete(new RequestEndpoint(peer), 100);
                return;
            }
            if (attach.Role && entity == ReplyEntity && SessionOf((Source)attach.Source) is { } session)
            {
                peer.AttachedEntities.Enqueue(entity);
                context.Complete(new SourceLinkEndpoint(new SessionSource(peer._replies, session), context.Link), 0);
                return;
            }
            Refuse(context, entity, ErrorCode.NotAllowed, "a session-filter receiver is required on the reply entity");
        }

        private static string? SessionOf(Source source)
        {
            if (source.FilterSet is null)
                return null;
            foreach (var key in source.FilterSet.Keys)
                if (key?.ToString() == SessionFilter)
                    return source.FilterSet[key] as string;
            return null;
        }

        private void Refuse(AttachContext context, string? entity, string condition, string description)
        {
            peer.RefusedAttaches.Enqueue($"{entity}: {condition}");
            context.Complete(new Error(condition) { Description = description });
        }
    }

    private sealed class RequestEndpoint(ServiceBusPeer peer) : LinkEndpoint
    {
        public override void OnMessage(MessageContext messageContext)
        {
            var message = messageContext.Message;
            peer.Requests.Enqueue(new RecordedRequest(message.Properties?.MessageId, message.Properties?.ReplyTo,
                message.Properties?.ReplyToGroupId, message.Properties?.ContentType?.ToString(), message.Header?.Ttl,
                message.Body as byte[]));
            messageContext.Complete();
        }

        public override void OnFlow(FlowContext flowContext)
        {
        }

        public override void OnDisposition(DispositionContext dispositionContext) => dispositionContext.Complete();
    }

    /// <summary>Delivers, to one session receiver, only the messages of its session; released ones go back in the store.</summary>
    private sealed class SessionSource(ReplyStore store, string session) : IMessageSource
    {
        public Task<ReceiveContext> GetMessageAsync(ListenerLink link) => store.TakeAsync(link, session);

        public void DisposeMessage(ReceiveContext receiveContext, DispositionContext dispositionContext) =>
            store.Settle(receiveContext.Message, dispositionContext);
    }

    private sealed class ReplyStore(ServiceBusPeer peer)
    {
        private readonly List<Message> _messages = [];
        private readonly List<(string Session, ListenerLink Link, TaskCompletionSource<ReceiveContext> Waiter)> _waiters = [];

        public void Publish(Message message)
        {
            lock (_messages)
            {
                var index = _waiters.FindIndex(w => w.Session == message.Properties.GroupId && !w.Link.IsClosed);
                if (index < 0)
                {
                    _messages.Add(message);
                    return;
                }
                var (_, link, waiter) = _waiters[index];
                _waiters.RemoveAt(index);
                waiter.TrySetResult(new ReceiveContext(link, message));
            }
        }

        public Task<ReceiveContext> TakeAsync(ListenerLink link, string session)
        {
            lock (_messages)
            {
                var message = _messages.Find(m => m.Properties.GroupId == session);
                if (message is not null)
                {
                    _messages.Remove(message);
                    return Task.FromResult(new ReceiveContext(link, message));
                }
                // A closed link's waiter never completes: its endpoint loop ends with the link.
                var waiter = new TaskCompletionSource<ReceiveContext>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((session, link, waiter));
                return waiter.Task;
            }
        }

        public void Settle(Message message, DispositionContext disposition)
        {
            var error = (disposition.DeliveryState as Rejected)?.Error;
            peer.Settlements.Enqueue(new RecordedSettlement(message.Properties.MessageId, message.Properties.GroupId,
                disposition.DeliveryState?.GetType().Name ?? "none", error?.Condition?.ToString(), error?.Description));
            if (disposition.DeliveryState is Released or Modified)
                Publish(Message.Decode(message.Encode()));
            disposition.Complete();
        }

        public int Undelivered(string session)
        {
            lock (_messages)
                return _messages.Count(m => m.Properties.GroupId == session);
        }
    }
}

public sealed record RecordedRequest(string? MessageId, string? ReplyTo, string? ReplyToGroupId, string? ContentType, uint? Ttl, byte[]? Body);

public sealed record RecordedPutToken(string Name, string? Type, string Token, DateTime? Expiration, bool Accepted);

public sealed record RecordedSettlement(string? MessageId, string? SessionId, string Outcome, string? Condition, string? Description);
