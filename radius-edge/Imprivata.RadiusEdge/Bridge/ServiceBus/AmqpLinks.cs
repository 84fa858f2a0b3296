using Amqp;
using Amqp.Framing;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>Attaches links and waits for the broker's answer, so that a refused attach fails here, not at first use.</summary>
internal static class AmqpLinks
{
    public static Task<SenderLink> AttachSenderAsync(Session session, string name, string address, TimeSpan timeout, CancellationToken ct) =>
        WhenAttachedAsync(attached => new SenderLink(session, name, new Target { Address = address }, attached),
            remote => remote.Target is not null, address, timeout, ct);

    /// <summary>Peek-lock receiver (unsettled deliveries settled by the edge): what Service Bus needs to complete or dead-letter.</summary>
    public static Task<ReceiverLink> AttachReceiverAsync(Session session, string name, Source source, Target target, TimeSpan timeout,
        CancellationToken ct) =>
        WhenAttachedAsync(attached => new ReceiverLink(session, name,
                new Attach { Source = source, Target = target, SndSettleMode = SenderSettleMode.Unsettled, RcvSettleMode = ReceiverSettleMode.First },
                attached),
            remote => remote.Source is not null, source.Address, timeout, ct);

    private static async Task<T> WhenAttachedAsync<T>(Func<OnAttached, T> create, Func<Attach, bool> accepted, string address,
        TimeSpan timeout, CancellationToken ct) where T : Link
    {
        // AMQP 1.0 §2.6.3: a refused attach comes back with a null terminus, then a detach carrying the error.
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = create((_, remote) =>
        {
            if (accepted(remote))
                attached.TrySetResult();
        });
        link.AddClosedCallback((_, error) =>
            attached.TrySetException(new ServiceBusFailure($"Service Bus refused the link to '{address}': {ServiceBusFailure.Describe(error)}")));
        try
        {
            await attached.Task.WaitAsync(timeout, ct);
            return link;
        }
        catch (TimeoutException ex)
        {
            link.Close(TimeSpan.Zero);
            throw new ServiceBusFailure($"Service Bus did not answer the attach to '{address}' within {timeout.TotalSeconds:0} s.", ex);
        }
    }
}
