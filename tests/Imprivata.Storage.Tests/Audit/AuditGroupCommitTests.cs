using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Imprivata.Core.Audit;
using Imprivata.Storage.Audit;
using Imprivata.Storage.Secrets;
using Imprivata.Storage.Tables;

namespace Imprivata.Storage.Tests.Audit;

/// <summary>
/// Audit appends are group-committed: the round trips (writes of audit rows) are counted on the table client's pipeline,
/// and the first write is held there so the appends behind it are known to be waiting.
/// </summary>
public sealed class AuditGroupCommitTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Append_EventsArrivingWhileAWriteIsInFlight_AreStoredInOneRoundTrip_EachSealedAndReadable()
    {
        var writes = new AuditWrites();
        var tables = new TableSet(Azurite.NewTables(), writes.Options());
        await using var log = new TableAuditLog(tables, new SecretKeys(tables));
        var now = DateTimeOffset.UtcNow;

        var first = log.AppendAsync(Event(now, "first"), Ct);
        await writes.FirstHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var behind = Enumerable.Range(0, 20).Select(i => log.AppendAsync(Event(now.AddMilliseconds(i + 1), $"behind-{i}"), Ct)).ToList();
        Assert.False(first.IsCompleted);
        Assert.All(behind, t => Assert.False(t.IsCompleted));
        writes.Release.TrySetResult();
        await first;
        await Task.WhenAll(behind);

        // 21 events, 2 round trips: the held one, then the 20 that queued behind it in one transaction.
        Assert.Equal(["POST Audit", "POST $batch"], writes.Calls);
        var stored = await log.QueryAsync(now.AddMinutes(-1), now.AddMinutes(1), Ct).ToListAsync(Ct);
        Assert.Equal(21, stored.Count);
        Assert.All(stored, e => Assert.Equal(AuditSeal.Valid, e.Seal));
        Assert.Equal(["first", .. Enumerable.Range(0, 20).Select(i => $"behind-{i}")], stored.OrderBy(e => e.Time).Select(e => e.Detail));
    }

    [Fact]
    public async Task Dispose_WaitsForEventsWhoseCallersStoppedWaiting_TheyAreStored()
    {
        var writes = new AuditWrites();
        var tables = new TableSet(Azurite.NewTables(), writes.Options());
        var log = new TableAuditLog(tables, new SecretKeys(tables));
        var now = DateTimeOffset.UtcNow;
        using var request = new CancellationTokenSource();

        var appends = Enumerable.Range(0, 5).Select(i => log.AppendAsync(Event(now.AddMilliseconds(i), $"abandoned-{i}"), request.Token)).ToList();
        await writes.FirstHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await request.CancelAsync();
        foreach (var append in appends)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => append);

        var shutdown = log.DisposeAsync().AsTask();
        await Task.Delay(200, Ct);
        Assert.False(shutdown.IsCompleted); // the held write and the rows queued behind it are still to come
        writes.Release.TrySetResult();
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));

        var reader = new TableAuditLog(tables, new SecretKeys(tables));
        var stored = await reader.QueryAsync(now.AddMinutes(-1), now.AddMinutes(1), Ct).Select(e => e.Detail).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"abandoned-{i}").Order(), stored.Order());
    }

    private static AuditEvent Event(DateTimeOffset time, string detail) =>
        new() { Time = time, Kind = "test", Result = AuditResults.Success, Reason = AuditReasons.Ok, Detail = detail };

    /// <summary>Records each write to the Audit table (an insert, or a transaction) and holds the first until released.</summary>
    private sealed class AuditWrites : HttpPipelinePolicy
    {
        private readonly ConcurrentQueue<string> _calls = new();
        private int _seen;

        public TaskCompletionSource FirstHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public IReadOnlyList<string> Calls => [.. _calls];

        public TableClientOptions Options()
        {
            var options = new TableClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return options;
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var path = message.Request.Uri.Path;
            var table = path.EndsWith("$batch", StringComparison.Ordinal) ? "$batch" : path.EndsWith("Audit", StringComparison.Ordinal) ? "Audit" : null;
            if (table is not null && message.Request.Method == RequestMethod.Post)
            {
                _calls.Enqueue($"POST {table}");
                if (Interlocked.Increment(ref _seen) == 1)
                {
                    FirstHeld.TrySetResult();
                    await Release.Task.ConfigureAwait(false);
                }
            }
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The stores call Azure asynchronously.");
    }
}
