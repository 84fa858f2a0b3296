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

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable("IMPRIVATA_TEST_STORAGE");
        if (!string.IsNullOrEmpty(external))
            return external;
        return AzuriteProcess.StartAllAsync().GetAwaiter().GetResult().StopOnProcessExit().ConnectionString;
    }
}
