namespace Imprivata.Storage.Tables;

public sealed class TableStorageOptions
{
    /// <summary>Storage connection string; "UseDevelopmentStorage=true" means Azurite on its default ports.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
    /// <summary>Prefix for every table name (letters and digits); lets tests and deployments share an account.</summary>
    public string TablePrefix { get; set; } = "imp";
}
