using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Imprivata.Testing.ServiceBus;

/// <summary>
/// A queue of the double, whether it is session-enabled, and after how many deliveries an abandoned message is dead-lettered
/// (Service Bus: the entity's MaxDeliveryCount, 10 by default).
/// </summary>
public sealed record DoubleQueue(string Name, bool RequiresSession = false, int MaxDeliveryCount = 10);

/// <summary>A put-token the double received, and whether it granted it.</summary>
public sealed record PutToken(string Audience, string? Type, string Token, bool Granted);

/// <summary>
/// A small Service Bus on 127.0.0.1 for tests (there is no Service Bus emulator without Docker), speaking AMQP 1.0 through
/// AMQPNetLite's ContainerHost well enough for Azure.Messaging.ServiceBus senders, receivers, session receivers and
/// processors: SASL MSSBCBS, <c>$cbs</c> put-token (SAS checked against the rule, Entra tokens by a validator), queues
/// (optionally session-enabled) with peek-lock deliveries, settlement, dead-lettering, and each queue's
/// <c>$management</c> node for lock renewal. Connect with <see cref="ConnectionString"/>; everything is recorded.
/// </summary>
public sealed class ServiceBusDouble : IAsyncDisposable
{
    public const string KeyName = "test-rule";
    private const string SessionFilter = "com.microsoft:session-filter";
    private static readonly TimeSpan SessionLock = TimeSpan.FromMinutes(5);
    private const ulong MaxMessageSize = 256 * 1024;
    private readonly ContainerHost _host;
    private readonly string _key;
    private readonly Func<string, bool>? _validJwt;
    private readonly Dictionary<string, DoubleEntity> _entities = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<ListenerConnection, ConcurrentDictionary<string, bool>> _grants = new();
    private readonly ConditionalWeakTable<Message, byte[]> _tags = new();

    /// <param name="queues">The queues that exist; attaching to any other address is refused (amqp:not-found).</param>
    /// <param name="key">The SAS key of the rule <see cref="KeyName"/>; a random one when null.</param>
    /// <param name="validJwt">Accepts Entra tokens (put-token type jwt) when given.</param>
    public ServiceBusDouble(IEnumerable<DoubleQueue> queues, string? key = null, Func<string, bool>? validJwt = null, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        _key = key ?? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _validJwt = validJwt;
        Port = Ports.FreeTcp();
        _host = new ContainerHost(new Address($"amqp://127.0.0.1:{Port}"));
        var listener = _host.Listeners[0];
        listener.SASL.EnableMechanism(new Symbol(CbsSaslProfile.Name), new CbsSaslProfile());
        listener.SASL.EnableAnonymousMechanism = true;
        listener.HandlerFactory = _ => new LockTokenTags(this);
        // The SDK names entities with a leading slash ("/queue"); Service Bus treats both spellings alike.
        _host.AddressResolver = (_, attach) => Normalize(attach.Role ? ((Source)attach.Source).Address : ((Target)attach.Target).Address);
        _host.RegisterRequestProcessor("$cbs", new CbsNode(this));
        foreach (var queue in queues)
        {
            _entities[queue.Name] = new DoubleEntity(queue.Name, queue.RequiresSession, Time, queue.MaxDeliveryCount);
            _host.RegisterRequestProcessor(queue.Name + "/$management", new ManagementNode(this));
        }
        _host.RegisterLinkProcessor(new EntityLinks(this));
        _host.Open();
    }

    public int Port { get; }
    public TimeProvider Time { get; }

    /// <summary>What Azure.Messaging.ServiceBus takes: plain AMQP to this port (UseDevelopmentEmulator), SAS rule and key.</summary>
    public string ConnectionString => ConnectionStringWithKey(_key);

    public string ConnectionStringWithKey(string key) =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={KeyName};SharedAccessKey={key};UseDevelopmentEmulator=true";

    /// <summary>While true, every queue link is refused (a namespace that is there but not serving).</summary>
    public volatile bool Refusing;

    /// <summary>How long the double waits before acknowledging a message it already stored (zero: at once).</summary>
    public TimeSpan AcceptDelay { get; set; }

    public ConcurrentQueue<PutToken> PutTokens { get; } = new();
    public ConcurrentQueue<Settlement> Settlements { get; } = new();
    public ConcurrentQueue<string> Attaches { get; } = new();
    public ConcurrentQueue<string> RefusedAttaches { get; } = new();
    public int Connections => _grants.Count;

    /// <summary>Every message sent to a queue so far, in order (settled or not).</summary>
    public IReadOnlyList<StoredMessage> Received(string queue)
    {
        var entity = Entity(queue);
        lock (entity.Sync)
            return [.. entity.Received];
    }

    public IReadOnlyList<StoredMessage> DeadLettered(string queue)
    {
        var entity = Entity(queue);
        lock (entity.Sync)
            return [.. entity.DeadLettered];
    }

    /// <summary>Messages waiting in a queue (of one session, or all).</summary>
    public int Waiting(string queue, string? sessionId = null) => Entity(queue).Count(sessionId);

    /// <summary>Puts a message on a queue as a sender would: JSON in a data section, optionally in a session (group-id).</summary>
    public void Publish(string queue, byte[] body, string? messageId = null, string? sessionId = null, string? contentType = "application/json") =>
        Entity(queue).Enqueue(new Message
        {
            Properties = new Properties
            {
                MessageId = messageId ?? Guid.NewGuid().ToString("N"),
                GroupId = sessionId,
                ContentType = contentType is null ? null : new Symbol(contentType),
            },
            BodySection = new Data { Binary = body },
        });

    /// <summary>Closes every open connection from the namespace's side (amqp:connection:forced).</summary>
    public void DropConnections()
    {
        foreach (var connection in _grants.Keys)
        {
            _grants.TryRemove(connection, out _);
            connection.Close(TimeSpan.Zero, new Error(ErrorCode.ConnectionForced) { Description = "the test dropped the connection" });
        }
    }

    public ValueTask DisposeAsync()
    {
        DropConnections();
        _host.Close();
        return ValueTask.CompletedTask;
    }

    internal static string Normalize(string? address) => (address ?? "").TrimStart('/');

    /// <summary>The entity path of a token audience or resource: <c>amqp://host/queue</c> or <c>sb://host/queue</c> -> <c>queue</c>.</summary>
    internal static string EntityOf(string audience) =>
        Uri.TryCreate(audience, UriKind.Absolute, out var uri) ? uri.AbsolutePath.Trim('/') : Normalize(audience);

    internal bool SasCovers(string token, string entity)
    {
        // A SAS token grants its resource and everything below it.
        var resource = SasToken.Verify(token, KeyName, _key, Time.GetUtcNow());
        if (resource is null)
            return false;
        var granted = EntityOf(resource);
        return granted.Length == 0 || entity.Equals(granted, StringComparison.OrdinalIgnoreCase) ||
               entity.StartsWith(granted + "/", StringComparison.OrdinalIgnoreCase);
    }

    internal bool JwtValid(string token) => _validJwt?.Invoke(token) == true;

    internal void Grant(ListenerConnection connection, string entity) => Grants(connection)[entity] = true;

    internal void Record(PutToken putToken) => PutTokens.Enqueue(putToken);

    internal void Record(Settlement settlement) => Settlements.Enqueue(settlement);

    internal void TagWith(Message message, Guid lockToken) => _tags.AddOrUpdate(message, lockToken.ToByteArray());

    internal byte[] TagOf(Message message) =>
        message is not null && _tags.TryGetValue(message, out var tag) ? tag : Guid.NewGuid().ToByteArray();

    private ConcurrentDictionary<string, bool> Grants(ListenerConnection connection)
    {
        if (_grants.TryGetValue(connection, out var grants))
            return grants;
        grants = _grants.GetOrAdd(connection, _ => new(StringComparer.OrdinalIgnoreCase));
        connection.AddClosedCallback((_, _) => _grants.TryRemove(connection, out _));
        return grants;
    }

    private DoubleEntity Entity(string queue) =>
        _entities.TryGetValue(Normalize(queue), out var entity) ? entity : throw new ArgumentException($"No queue '{queue}' in the double.");

    private sealed class EntityLinks(ServiceBusDouble owner) : ILinkProcessor
    {
        public void Process(AttachContext context)
        {
            var connection = (ListenerConnection)context.Link.Session.Connection;
            var grants = owner.Grants(connection);
            var attach = context.Attach;
            // Role true: the client receives, so the double sends from the source.
            var address = Normalize(attach.Role ? ((Source)attach.Source).Address : ((Target)attach.Target).Address);
            if (owner.Refusing)
            {
                Refuse(context, address, "com.microsoft:server-busy", "the test namespace is refusing links");
                return;
            }
            if (!owner._entities.TryGetValue(address, out var entity))
            {
                Refuse(context, address, ErrorCode.NotFound, "no such entity");
                return;
            }
            if (!grants.ContainsKey(entity.Name))
            {
                Refuse(context, address, ErrorCode.UnauthorizedAccess, "put a token for the entity on $cbs first");
                return;
            }
            // The SDK sizes its batches by the answer's max-message-size (Standard tier: 256 KB).
            attach.MaxMessageSize = MaxMessageSize;
            if (!attach.Role)
            {
                owner.Attaches.Enqueue($"send {entity.Name}");
                context.Complete(new QueueTarget(entity, owner), 100);
                return;
            }
            var (hasFilter, session) = SessionOf((Source)attach.Source);
            if (hasFilter != entity.RequiresSession)
            {
                Refuse(context, address, ErrorCode.NotAllowed,
                    entity.RequiresSession ? "a session receiver is required on a session-enabled entity" : "the entity has no sessions");
                return;
            }
            if (entity.RequiresSession)
            {
                if (session is null || !entity.TryHoldSession(session, context.Link))
                {
                    Refuse(context, address, "com.microsoft:session-cannot-be-locked", "the session is held by another receiver (or none was named)");
                    return;
                }
                // The attach answer names the session and its lock, as the SDK's session receiver expects.
                ((Source)attach.Source).FilterSet[new Symbol(SessionFilter)] = session;
                attach.Properties ??= new Fields();
                attach.Properties[new Symbol("com.microsoft:locked-until-utc")] = (owner.Time.GetUtcNow().UtcDateTime + SessionLock).Ticks;
            }
            owner.Attaches.Enqueue(session is null ? $"receive {entity.Name}" : $"receive {entity.Name} session {session}");
            context.Complete(new QueueSource(entity, context.Link, session, owner), 0);
        }

        private static (bool HasFilter, string? Session) SessionOf(Source source)
        {
            if (source.FilterSet is null)
                return (false, null);
            foreach (var key in source.FilterSet.Keys)
                if (key?.ToString() == SessionFilter)
                    return (true, source.FilterSet[key] as string);
            return (false, null);
        }

        private void Refuse(AttachContext context, string address, string condition, string description)
        {
            owner.RefusedAttaches.Enqueue($"{address}: {condition}");
            context.Complete(new Error(new Symbol(condition)) { Description = description });
        }
    }
}
