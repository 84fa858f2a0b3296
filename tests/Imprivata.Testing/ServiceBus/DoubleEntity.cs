using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Imprivata.Testing.ServiceBus;

/// <summary>A message as the double stores it: what was sent, plus what Service Bus stamps on it.</summary>
public sealed class StoredMessage(Message message, long sequenceNumber, DateTime enqueuedTime)
{
    public Message Message { get; } = message;
    public long SequenceNumber { get; } = sequenceNumber;
    public DateTime EnqueuedTime { get; } = enqueuedTime;
    public uint DeliveryCount { get; set; }
    public string? MessageId => Message.Properties?.MessageId;
    public string? SessionId => Message.Properties?.GroupId;
    public byte[]? Body => Message.Body as byte[];
}

/// <summary>How a receiver settled a delivery: Accepted (complete), Rejected (dead-letter), Released/Modified (abandon).</summary>
public sealed record Settlement(string Entity, string? MessageId, string? SessionId, string Outcome, string? Condition, string? Description);

/// <summary>
/// One queue of the double: messages in arrival order, peek-locked deliveries by lock token, and (for a session-enabled
/// queue) which receiver link holds which session. Receivers waiting for messages are woken when one arrives.
/// </summary>
internal sealed class DoubleEntity(string name, bool requiresSession, TimeProvider time, int maxDeliveryCount = 10)
{
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(1);
    private readonly List<StoredMessage> _available = [];
    private readonly Dictionary<Guid, (StoredMessage Message, ListenerLink Link)> _locked = new();
    private readonly Dictionary<string, ListenerLink> _sessionHolders = new(StringComparer.Ordinal);
    private readonly List<Action> _waiters = [];
    private long _sequence;

    public string Name { get; } = name;
    public bool RequiresSession { get; } = requiresSession;
    public object Sync { get; } = new();
    public List<StoredMessage> Received { get; } = [];
    public List<StoredMessage> DeadLettered { get; } = [];

    public void Enqueue(Message message)
    {
        List<Action> wake;
        lock (Sync)
        {
            var stored = new StoredMessage(message, ++_sequence, time.GetUtcNow().UtcDateTime);
            _available.Add(stored);
            Received.Add(stored);
            wake = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var w in wake)
            w();
    }

    /// <summary>
    /// Takes the next message for a receiver (of one session, or any message) and locks it; when there is none, null,
    /// and <paramref name="wake"/> (if any) runs once a message arrives.
    /// </summary>
    public (Guid LockToken, StoredMessage Message)? TryLock(ListenerLink link, string? session, Action? wake)
    {
        lock (Sync)
        {
            var index = _available.FindIndex(m => session is null || m.SessionId == session);
            if (index < 0)
            {
                if (wake is not null)
                    _waiters.Add(wake);
                return null;
            }
            var message = _available[index];
            _available.RemoveAt(index);
            message.DeliveryCount++;
            var token = Guid.NewGuid();
            _locked[token] = (message, link);
            return (token, message);
        }
    }

    /// <summary>Applies a settlement by lock token; false when the lock is unknown (already settled or lost).</summary>
    public bool Settle(Guid lockToken, DeliveryState? state, out StoredMessage? message)
    {
        lock (Sync)
        {
            if (!_locked.Remove(lockToken, out var held))
            {
                message = null;
                return false;
            }
            message = held.Message;
            if (state is Rejected)
                DeadLettered.Add(held.Message);
            // As Service Bus does: an abandoned message that was delivered MaxDeliveryCount times is dead-lettered.
            else if (state is Released or Modified && held.Message.DeliveryCount >= maxDeliveryCount)
                DeadLettered.Add(held.Message);
            else if (state is Released or Modified)
                _available.Insert(0, held.Message);
        }
        if (state is Released or Modified)
            Wake();
        return true;
    }

    /// <summary>Locks a session to one receiver link (Service Bus: one receiver per session at a time).</summary>
    public bool TryHoldSession(string session, ListenerLink link)
    {
        lock (Sync)
        {
            if (_sessionHolders.TryGetValue(session, out var holder) && !holder.IsClosed)
                return false;
            _sessionHolders[session] = link;
            return true;
        }
    }

    /// <summary>A closed receiver gives back its session and its unsettled deliveries (as a lapsed lock would).</summary>
    public void Release(ListenerLink link)
    {
        lock (Sync)
        {
            foreach (var session in _sessionHolders.Where(h => h.Value == link).Select(h => h.Key).ToList())
                _sessionHolders.Remove(session);
            foreach (var (token, held) in _locked.Where(l => l.Value.Link == link).ToList())
            {
                _locked.Remove(token);
                _available.Insert(0, held.Message);
            }
        }
        Wake();
    }

    public int Count(string? session)
    {
        lock (Sync)
            return _available.Count(m => session is null || m.SessionId == session);
    }

    private void Wake()
    {
        List<Action> wake;
        lock (Sync)
        {
            wake = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var w in wake)
            w();
    }

    /// <summary>The delivered copy: the stored message with the annotations a Service Bus receiver reads.</summary>
    public static Message Delivered(StoredMessage stored, Guid lockToken, DateTime lockedUntil)
    {
        var copy = Message.Decode(stored.Message.Encode());
        copy.Header ??= new Header();
        copy.Header.DeliveryCount = stored.DeliveryCount - 1;
        copy.MessageAnnotations ??= new MessageAnnotations();
        copy.MessageAnnotations.Map[new Symbol("x-opt-sequence-number")] = stored.SequenceNumber;
        copy.MessageAnnotations.Map[new Symbol("x-opt-enqueued-time")] = stored.EnqueuedTime;
        copy.MessageAnnotations.Map[new Symbol("x-opt-locked-until")] = lockedUntil;
        copy.MessageAnnotations.Map[new Symbol("x-opt-lock-token")] = lockToken;
        return copy;
    }
}
