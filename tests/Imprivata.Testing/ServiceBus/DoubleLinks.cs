using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Imprivata.Testing.ServiceBus;

/// <summary>
/// A sender's link into a queue: every transfer is stored. Azure.Messaging.ServiceBus sends even one message as a batch
/// (message format 0x80013700: each data section holds one encoded message), so batches are unpacked.
/// </summary>
internal sealed class QueueTarget(DoubleEntity entity, ServiceBusDouble owner) : LinkEndpoint
{
    public const uint BatchFormat = 0x80013700;

    public override void OnMessage(MessageContext messageContext)
    {
        foreach (var message in Unbatch(messageContext.Message))
            entity.Enqueue(message);
        // Stored at once, acknowledged after the test's delay: a send that times out at the sender and still lands.
        var delay = owner.AcceptDelay;
        if (delay <= TimeSpan.Zero)
            messageContext.Complete();
        else
            _ = Task.Delay(delay).ContinueWith(_ => messageContext.Complete(), TaskScheduler.Default);
    }

    public override void OnFlow(FlowContext flowContext)
    {
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
    }

    private static IEnumerable<Message> Unbatch(Message message)
    {
        if (message.Format != BatchFormat)
        {
            yield return Message.Decode(message.Encode());
            yield break;
        }
        var sections = message.BodySection switch
        {
            Data one => [one],
            DataList many => Enumerable.Range(0, many.Count).Select(i => many[i]).ToList(),
            _ => new List<Data>(),
        };
        foreach (var section in sections)
            yield return Message.Decode(new ByteBuffer(section.Binary, 0, section.Binary.Length, section.Binary.Length));
    }
}

/// <summary>
/// A receiver's link from a queue (or from one session of it): peek-lock deliveries with 16-byte lock tokens as delivery
/// tags, as much as the receiver's credit allows. A drain with nothing to deliver is completed at once, which is what
/// an SDK receive that times out on an empty queue waits for.
/// </summary>
internal sealed class QueueSource(DoubleEntity entity, ListenerLink link, string? session, ServiceBusDouble owner) : LinkEndpoint
{
    private readonly Lock _sync = new();
    private int _credit;

    public override void OnFlow(FlowContext flowContext)
    {
        lock (_sync)
            // Mirrors the link: new credit adds up, a flow that does not extend the limit leaves none (AMQP 1.0 §2.6.7).
            _credit = flowContext.Messages > 0 ? _credit + flowContext.Messages : 0;
        Pump();
    }

    public void Pump()
    {
        while (!link.IsClosed)
        {
            (Guid LockToken, StoredMessage Message)? next = null;
            lock (_sync)
            {
                if (_credit > 0)
                {
                    // Nothing to deliver: a drain is answered below; otherwise the next message wakes this pump.
                    next = entity.TryLock(link, session, link.IsDraining ? null : Pump);
                    if (next is not null)
                        _credit--;
                }
            }
            if (next is { } delivery)
            {
                var message = DoubleEntity.Delivered(delivery.Message, delivery.LockToken,
                    owner.Time.GetUtcNow().UtcDateTime + DoubleEntity.LockDuration);
                owner.TagWith(message, delivery.LockToken);
                link.SendMessage(message);
                continue;
            }
            if (link.IsDraining)
                link.CompleteDrain();
            return;
        }
    }

    public override void OnDisposition(DispositionContext dispositionContext)
    {
        var tag = dispositionContext.Message.DeliveryTag;
        var state = dispositionContext.DeliveryState;
        if (tag is not { Length: 16 } || !entity.Settle(new Guid(tag), state, out var message))
        {
            dispositionContext.Complete(new Error(new Symbol("com.microsoft:message-lock-lost")) { Description = "unknown lock token" });
            return;
        }
        var error = (state as Rejected)?.Error;
        owner.Record(new Settlement(entity.Name, message!.MessageId, message.SessionId, state?.GetType().Name ?? "none",
            error?.Condition?.ToString(), error?.Description ?? DeadLetterReason(error)));
        dispositionContext.Complete();
    }

    public override void OnLinkClosed(ListenerLink closed, Error error) => entity.Release(closed);

    // The SDK's dead-letter reason travels in the rejection's info map.
    private static string? DeadLetterReason(Error? error) =>
        error?.Info is { } info && info.TryGetValue(new Symbol("DeadLetterReason"), out var reason) ? reason?.ToString() : null;
}
