using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new(StringComparer.Ordinal);

    public QueueSet(TableStorageOptions options)
    {
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        _service = options.QueueServiceUri is { } uri
            ? new QueueServiceClient(uri, new DefaultAzureCredential(), clientOptions)
            : new QueueServiceClient(options.ConnectionString, clientOptions);
    }

    public Task<QueueClient> GetAsync(string queueName, CancellationToken ct = default) =>
        _queues.GetOrAdd(queueName, name => new Lazy<Task<QueueClient>>(() => CreateAsync(name))).Value.WaitAsync(ct);

    private async Task<QueueClient> CreateAsync(string queueName)
    {
        var client = _service.GetQueueClient(queueName);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    }
}
