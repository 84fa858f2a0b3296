using Azure;
using Azure.Storage.Queues.Models;
using Imprivata.Storage.Queues;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Standalone mode's queue receiver over Azure Storage queues (Azurite locally): a received message stays invisible for
/// <see cref="Lease"/>; complete deletes it, abandon makes it visible again, poison moves it to "&lt;queue&gt;-poison",
/// as the Functions host's queue trigger does.
/// </summary>
public sealed class StorageQueueMessageSource(QueueSet queues) : IQueueMessageSource
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<QueueTriggerMessage>> ReceiveAsync(string queueName, int maxMessages, CancellationToken ct)
    {
        var queue = await queues.GetAsync(queueName, ct).ConfigureAwait(false);
        var received = await queue.ReceiveMessagesAsync(Math.Clamp(maxMessages, 1, 32), Lease, ct).ConfigureAwait(false);
        return [.. received.Value.Select(m => new QueueTriggerMessage(
            m.Body.ToString(), m.MessageId, m.PopReceipt, m.DequeueCount, m.InsertedOn, m.ExpiresOn, m.NextVisibleOn))];
    }

    public async Task CompleteAsync(string queueName, QueueTriggerMessage message, CancellationToken ct)
    {
        var queue = await queues.GetAsync(queueName, ct).ConfigureAwait(false);
        try
        {
            await queue.DeleteMessageAsync(message.Id, message.PopReceipt, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already gone (its lease ended and another receiver completed it): nothing left to do.
        }
    }

    public async Task AbandonAsync(string queueName, QueueTriggerMessage message, CancellationToken ct)
    {
        var queue = await queues.GetAsync(queueName, ct).ConfigureAwait(false);
        await queue.UpdateMessageAsync(message.Id, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct).ConfigureAwait(false);
    }

    public async Task MoveToPoisonAsync(string queueName, QueueTriggerMessage message, CancellationToken ct)
    {
        var poison = await queues.GetAsync(queueName + "-poison", ct).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Text, ct).ConfigureAwait(false);
        await CompleteAsync(queueName, message, ct).ConfigureAwait(false);
    }
}
