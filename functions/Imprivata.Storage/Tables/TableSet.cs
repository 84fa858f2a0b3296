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
    private readonly CreatedOnce<TableClient> _tables;

    /// <param name="clientOptions">Pipeline options for every table client (tests add a policy that counts or holds requests).</param>
    public TableSet(TableStorageOptions options, TableClientOptions? clientOptions = null)
    {
        if (string.IsNullOrEmpty(options.TablePrefix) || !options.TablePrefix.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(options.TablePrefix[0]))
            throw new ArgumentException("TablePrefix must start with a letter and contain only letters and digits.", nameof(options));
        _service = options.TableServiceUri is { } uri
            ? new TableServiceClient(uri, new DefaultAzureCredential(), clientOptions)
            : new TableServiceClient(options.ConnectionString, clientOptions);
        _prefix = options.TablePrefix;
        _tables = new CreatedOnce<TableClient>(CreateAsync);
    }

    public TableServiceClient Service => _service;

    /// <summary>The client for a logical table (e.g. "Users"), created on first use; a failed creation is tried again.</summary>
    public Task<TableClient> GetAsync(string logicalName, CancellationToken ct = default) => _tables.GetAsync(logicalName, ct);

    private async Task<TableClient> CreateAsync(string logicalName)
    {
        var client = _service.GetTableClient(_prefix + logicalName);
        await client.CreateIfNotExistsAsync().ConfigureAwait(false);
        return client;
    }

    /// <summary>
    /// The health check: reads one row of a table through the same path requests take (created once, retried after a
    /// failure), so /health says ready only when a request's first table access would work too.
    /// </summary>
    public async Task PingAsync(CancellationToken ct)
    {
        var table = await GetAsync(HealthTable, ct).ConfigureAwait(false);
        await foreach (var _ in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages(pageSizeHint: 1).ConfigureAwait(false))
            break;
    }

    /// <summary>The table the health check reads: the login page reads it on every request.</summary>
    private const string HealthTable = "Settings";

    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;
    public static bool IsConflict(RequestFailedException e) => e.Status == 409;
    public static bool IsPreconditionFailed(RequestFailedException e) => e.Status == 412;
}
