namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// One real Azurite queue service (npm) per test process, in memory, on a free loopback port, stopped when the process
/// exits. IMPRIVATA_TEST_STORAGE points the tests at an Azurite that is already running instead.
/// </summary>
public static class Azurite
{
    private static readonly Lazy<string> ConnectionStringLazy = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => ConnectionStringLazy.Value;

    private static string Start()
    {
        var external = Environment.GetEnvironmentVariable("IMPRIVATA_TEST_STORAGE");
        if (!string.IsNullOrEmpty(external))
            return external;
        return AzuriteProcess.StartQueuesAsync().GetAwaiter().GetResult().StopOnProcessExit().ConnectionString;
    }
}
