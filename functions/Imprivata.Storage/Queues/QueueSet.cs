using Azure.Identity;
using Azure.Storage.Queues;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Queues;

/// <summary>
/// Hands out <see cref="QueueClient"/>s of the storage account the tables live in, creating each queue once. Messages are
/// plain text: host.json sets queues.messageEncoding to "none", so the Functions host reads them as we write them.
/// </summary>
public sealed class QueueSet
{
    private readonly QueueServiceClient _service;
    private readonly CreatedOnce<QueueClient> _queues;

    public QueueSet(TableStorageOptions options)
    {
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        _service = options.QueueServiceUri is { } uri
            ? new QueueServiceClient(uri, new DefaultAzureCredential(), clientOptions)
            : new QueueServiceClient(options.ConnectionString, clientOptions);
        _queues = new CreatedOnce<QueueClient>(CreateAsync);
    }

    /// <summary>The client for a queue, created on first use; a failed creation is tried again.</summary>
    public Task<QueueClient> GetAsync(string queueName, CancellationToken ct = default) => _queues.GetAsync(queueName, ct);

    private async Task<QueueClient> CreateAsync(string queueName)
    {
        var client = _service.GetQueueClient(queueName);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    }
}
