namespace Imprivata.Functions.Hosting;

/// <summary>
/// Port through which the standalone pump receives queue messages for queueTrigger functions (in Azure the Functions
/// host's own trigger does this). <see cref="StorageQueueMessageSource"/> implements it over Azure Storage queues.
/// </summary>
public interface IQueueMessageSource
{
    /// <summary>Up to <paramref name="maxMessages"/> messages, hidden from other receivers until completed or abandoned.</summary>
    Task<IReadOnlyList<QueueTriggerMessage>> ReceiveAsync(string queueName, int maxMessages, CancellationToken ct);

    /// <summary>The handler succeeded: delete the message.</summary>
    Task CompleteAsync(string queueName, QueueTriggerMessage message, CancellationToken ct);

    /// <summary>The handler failed: make the message visible again for a retry.</summary>
    Task AbandonAsync(string queueName, QueueTriggerMessage message, CancellationToken ct);

    /// <summary>The message failed too often: move it to "&lt;queue&gt;-poison", as the Functions host does.</summary>
    Task MoveToPoisonAsync(string queueName, QueueTriggerMessage message, CancellationToken ct);
}
