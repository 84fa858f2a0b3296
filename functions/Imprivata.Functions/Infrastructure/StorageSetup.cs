using Imprivata.Storage.Tables;

namespace Imprivata.Functions.Infrastructure;

public static class StorageSetup
{
    /// <summary>Tables are the system of record, queues carry deferred work; section "Imprivata:Storage" (connection string, table prefix).</summary>
    public static void AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ServiceOptions>(builder.Configuration.GetSection(ServiceOptions.Section));
        var options = new TableStorageOptions();
        builder.Configuration.GetSection(ServiceOptions.Section + ":Storage").Bind(options);
        var connection = builder.Configuration["AzureWebJobsStorage"];
        if (!string.IsNullOrEmpty(connection) && string.IsNullOrEmpty(builder.Configuration[ServiceOptions.Section + ":Storage:ConnectionString"]))
            options.ConnectionString = connection;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<TableSet>();
        // Sealed by the key-encryption key when KeyRingSetup registers one (Key Vault); in the clear locally.
        builder.Services.AddSingleton<Imprivata.Storage.Secrets.SecretKeys>();
        builder.Services.AddSingleton<Imprivata.Storage.Queues.QueueSet>();
    }
}
