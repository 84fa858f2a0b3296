using Imprivata.Storage.Tables;

namespace Imprivata.Testing;

/// <summary>
/// One real Azurite (npm) per test process, in memory, on free loopback ports, stopped when the process exits.
/// Tests isolate themselves with a random table prefix rather than a fresh emulator.
/// IMPRIVATA_TEST_STORAGE points the tests at an Azurite that is already running instead.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<string> ConnectionStringLazy = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => ConnectionStringLazy.Value;

    /// <summary>Options for a fresh, isolated set of tables.</summary>
    public static TableStorageOptions NewTables() => new()
    {
        ConnectionString = ConnectionString,
        TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12],
    };

    /// <summary>The port of one of the shared Azurite's services ("Table", "Queue", "Blob").</summary>
    public static int PortOf(string service)
    {
        var endpoint = ConnectionString.Split(';').Single(part => part.StartsWith(service + "Endpoint=", StringComparison.Ordinal));
        return new Uri(endpoint[(service.Length + "Endpoint=".Length)..]).Port;
    }

    /// <summary>Fresh tables (and queues) reached through other loopback ports, e.g. relays a test can switch off.</summary>
    public static TableStorageOptions NewTablesThrough(int tablePort, int queuePort) => new()
    {
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteProcess.AccountKey +
            $";TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;",
        TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12],
    };

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable("IMPRIVATA_TEST_STORAGE");
        if (!string.IsNullOrEmpty(external))
            return external;
        return AzuriteProcess.StartAllAsync().GetAwaiter().GetResult().StopOnProcessExit().ConnectionString;
    }
}
