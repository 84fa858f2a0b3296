using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Tables;

/// <summary>The purge's deletes, counted on the table client's pipeline: one transaction per partition's run of rows.</summary>
public sealed class TablePurgeTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task DeleteMatching_RowsOfOnePartition_GoInOneTransactionEach_OthersStay()
    {
        var writes = new DeleteWrites();
        var tables = new TableSet(Azurite.NewTables(), writes.Options());
        var table = await tables.GetAsync("Purged", Ct);
        await SeedAsync(table, ("device-a", 30, true), ("device-b", 2, true), ("device-c", 5, false), ("device-d", 1, true));
        writes.Clear();

        var deleted = await table.DeleteMatchingAsync("Old eq true", Ct);

        Assert.Equal(33, deleted);
        // device-a and device-b: a transaction each; device-d's single row: a plain delete. 33 deletes before.
        Assert.Equal(["POST $batch", "POST $batch", "DELETE"], writes.Calls);
        Assert.Equal(5, await CountAsync(table));
    }

    [Fact]
    public async Task DeleteMatching_ARowRewrittenMeanwhile_StaysAndTheOthersOfItsTransactionAreStillDeleted()
    {
        var writes = new DeleteWrites();
        var tables = new TableSet(Azurite.NewTables(), writes.Options());
        var table = await tables.GetAsync("Purged", Ct);
        await SeedAsync(table, ("device-a", 10, true));
        // One row is written again (a code reissued) just before this transaction goes out: the transaction fails as a whole.
        var other = new TableClient(Azurite.ConnectionString, table.Name);
        writes.BeforeFirstBatch = () => other.UpsertEntityAsync(new TableEntity("device-a", "row-03") { ["Old"] = true }, TableUpdateMode.Replace, Ct);
        writes.Clear();

        var deleted = await table.DeleteMatchingAsync("Old eq true", Ct, ifUnchanged: true);

        Assert.Equal(9, deleted);
        Assert.Equal(1, await CountAsync(table));
    }

    private static async Task SeedAsync(TableClient table, params (string Partition, int Rows, bool Old)[] groups)
    {
        foreach (var (partition, rows, old) in groups)
            for (var i = 0; i < rows; i++)
                await table.AddEntityAsync(new TableEntity(partition, $"row-{i:00}") { ["Old"] = old }, Ct);
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(cancellationToken: Ct))
            count++;
        return count;
    }

    /// <summary>Records each delete or transaction sent.</summary>
    private sealed class DeleteWrites : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public Func<Task>? BeforeFirstBatch { get; set; }
        public IReadOnlyList<string> Calls => [.. _calls];

        public void Clear() => _calls.Clear();

        public TableClientOptions Options()
        {
            var options = new TableClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return options;
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var batch = message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
            if (batch && message.Request.Method == RequestMethod.Post)
            {
                _calls.Enqueue("POST $batch");
                if (BeforeFirstBatch is { } before)
                {
                    BeforeFirstBatch = null;
                    await before().ConfigureAwait(false);
                }
            }
            else if (message.Request.Method == RequestMethod.Delete)
                _calls.Enqueue("DELETE");
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The stores call Azure asynchronously.");
    }
}
