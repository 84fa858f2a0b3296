using Azure.Data.Tables;
using Imprivata.Benchmarks.Driver;
using Imprivata.Storage.Tables;

namespace Imprivata.Benchmarks.Profiling;

/// <summary>CPU per Azurite round trip, on both ends: the calling process (Azure SDK: signing, serialisation, HTTP) and Azurite.</summary>
public static class StorageCosts
{
    public sealed record RoundTripCost(double PerSecond, double ClientCpuMs, double AzuriteCpuMs, double P50Ms);

    /// <summary>Point reads and upserts of one small entity, with the benchmark's concurrency, on a scratch table.</summary>
    public static async Task<(RoundTripCost Read, RoundTripCost Upsert)> MeasureAsync(TableSet tables, LoadRunner runner, int count)
    {
        var table = await tables.GetAsync("BenchProbe");
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["Value"] = "x" });
        var keys = Enumerable.Range(0, count).ToArray();
        var read = await runner.ForEachAsync("point read", keys, async _ => await table.GetEntityAsync<TableEntity>("p", "r"));
        var upsert = await runner.ForEachAsync("upsert", keys, async i =>
            await table.UpsertEntityAsync(new TableEntity("p" + (i % 16), "r" + i) { ["Value"] = "x" }, TableUpdateMode.Replace));
        return (Cost(read), Cost(upsert));
    }

    private static RoundTripCost Cost(Measurement m) =>
        new(m.PerSecond, m.CpuMsPerOperation(Report.DriverProcess), m.CpuMsPerOperation(Report.AzuriteProcess), m.P50);
}
