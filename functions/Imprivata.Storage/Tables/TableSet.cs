using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;

namespace Imprivata.Storage.Tables;

/// <summary>
/// Hands out <see cref="TableClient"/>s for the logical tables of the product, creating each table once.
/// Names are prefixed so several deployments or test runs can share one account.
/// </summary>
public sealed class TableSet
{
    private readonly TableServiceClient _service;
    private readonly string _prefix;
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new();

    public TableSet(TableStorageOptions options)
    {
        if (string.IsNullOrEmpty(options.TablePrefix) || !options.TablePrefix.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(options.TablePrefix[0]))
            throw new ArgumentException("TablePrefix must start with a letter and contain only letters and digits.", nameof(options));
        _service = options.TableServiceUri is { } uri
            ? new TableServiceClient(uri, new DefaultAzureCredential())
            : new TableServiceClient(options.ConnectionString);
        _prefix = options.TablePrefix;
    }

    public TableServiceClient Service => _service;

    /// <summary>The client for a logical table (e.g. "Users"), created on first use.</summary>
    public Task<TableClient> GetAsync(string logicalName, CancellationToken ct = default) =>
        _tables.GetOrAdd(logicalName, name => new Lazy<Task<TableClient>>(() => CreateAsync(name))).Value.WaitAsync(ct);

    private async Task<TableClient> CreateAsync(string logicalName)
    {
        var client = _service.GetTableClient(_prefix + logicalName);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    }

    /// <summary>Lists one page-set of the account's tables; used by the health check.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await foreach (var _ in _service.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages(pageSizeHint: 1).ConfigureAwait(false))
            break;
    }

    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;
    public static bool IsConflict(RequestFailedException e) => e.Status == 409;
    public static bool IsPreconditionFailed(RequestFailedException e) => e.Status == 412;
}
