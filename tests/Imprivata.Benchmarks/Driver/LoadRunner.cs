using System.Collections.Concurrent;
using System.Diagnostics;

namespace Imprivata.Benchmarks.Driver;

/// <summary>
/// Fixed concurrency: N workers each run the operation back to back. Every loop is bounded (by time and by count) and a
/// run stops early when errors pile up, so the benchmark always ends by itself.
/// </summary>
public sealed class LoadRunner(int concurrency, Profiling.CpuMeter? cpu = null)
{
    private const int MaxErrors = 20;

    public int Concurrency => concurrency;

    /// <summary>Runs <paramref name="operation"/> for a warm-up (discarded), then for <paramref name="duration"/> (measured).</summary>
    public async Task<Measurement> ForDurationAsync(string scenario, TimeSpan warmUp, TimeSpan duration, int maxOperations,
        Func<Task> operation)
    {
        if (warmUp > TimeSpan.Zero)
            await RunAsync(scenario, warmUp, maxOperations, operation);
        return await RunAsync(scenario, duration, maxOperations, operation);
    }

    /// <summary>Runs one operation per item (e.g. per authorization code) and times the whole batch.</summary>
    public async Task<Measurement> ForEachAsync<T>(string scenario, IReadOnlyList<T> items, Func<T, Task> operation)
    {
        var queue = new ConcurrentQueue<T>(items);
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        string? firstError = null;
        var cpuBefore = cpu?.SnapshotMs();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Volatile.Read(ref errors) < MaxErrors && queue.TryDequeue(out var item))
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(item);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        return new Measurement(scenario, latencies.Count, errors, clock.Elapsed, [.. latencies], firstError)
        {
            CpuMs = cpu is null || cpuBefore is null ? new Dictionary<string, double>() : Profiling.CpuMeter.Delta(cpuBefore, cpu.SnapshotMs()),
        };
    }

    private async Task<Measurement> RunAsync(string scenario, TimeSpan duration, int maxOperations, Func<Task> operation)
    {
        var latencies = new ConcurrentBag<double>();
        var started = 0;
        var errors = 0;
        string? firstError = null;
        var cpuBefore = cpu?.SnapshotMs();
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration && Volatile.Read(ref errors) < MaxErrors && Interlocked.Increment(ref started) <= maxOperations)
            {
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    await operation();
                    latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        return new Measurement(scenario, latencies.Count, errors, clock.Elapsed, [.. latencies], firstError)
        {
            CpuMs = cpu is null || cpuBefore is null ? new Dictionary<string, double>() : Profiling.CpuMeter.Delta(cpuBefore, cpu.SnapshotMs()),
        };
    }
}
