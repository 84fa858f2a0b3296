namespace Imprivata.Storage.Tables;

public sealed class TableStorageOptions
{
    /// <summary>Storage connection string; "UseDevelopmentStorage=true" means Azurite on its default ports.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
    /// <summary>
    /// Table endpoint for identity-based access in Azure (e.g. https://acct.table.core.windows.net). When set, it wins over
    /// the connection string and the app authenticates with its managed identity (AZURE_CLIENT_ID names a user-assigned one).
    /// </summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// Queue endpoint for identity-based access in Azure (e.g. https://acct.queue.core.windows.net); when unset, queues use
    /// the connection string.
    /// </summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Prefix for every table name (letters and digits); lets tests and deployments share an account.</summary>
    public string TablePrefix { get; set; } = "imp";
}
