using System.Diagnostics;

namespace Imprivata.Benchmarks.Radius;

/// <summary>One server's figures under the fixed offered load: from the timing client, or from radclient's summary.</summary>
public sealed record RateRun(string Server, string Driver, double Offered, double Achieved, int Requests, int Accepted, int Other, int Lost,
    double P50, double P90, double P99, double Max, IReadOnlyDictionary<string, double> CpuMs, double CpuSeconds);

/// <summary>
/// Open loop: fresh PAP requests at a fixed rate (catching up after a late timer, never bunching more than the rate allows),
/// no retransmissions, so each latency is one trip; a request without a reply 10 s after the last send is lost.
/// </summary>
public static class OpenLoop
{
    private static readonly TimeSpan StragglerWait = TimeSpan.FromSeconds(10);

    public static async Task PaceAsync(NasClient client, int first, int count, int rate, Func<int, (string User, string Password)> user)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < count)
        {
            var due = Math.Min(count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var (name, password) = user(first + sent);
                client.Send(first + sent, name, password);
            }
            await Task.Delay(1);
        }
    }

    /// <summary>Warm-up (untimed, <paramref name="warmUp"/> requests), then <paramref name="count"/> timed requests at <paramref name="rate"/>.</summary>
    public static async Task<RateRun> RunAsync(string server, int port, string secret, int warmUp, int count, int rate,
        IReadOnlyList<(string User, string Password)> users, Func<IReadOnlyDictionary<string, double>> cpu)
    {
        using var client = new NasClient(port, warmUp + count, secret);
        await PaceAsync(client, 0, warmUp, rate, i => users[i % users.Count]);
        await WaitAsync(client, 0, warmUp);
        var before = cpu();
        var clock = Stopwatch.StartNew();
        var measured = Stopwatch.StartNew();
        await PaceAsync(client, warmUp, count, rate, i => users[i % users.Count]);
        var sending = clock.Elapsed.TotalSeconds;
        await WaitAsync(client, warmUp, count);
        var lastAnswer = client.Slots.Skip(warmUp).Where(s => s.Answered).Select(s => s.Replies[0].At).DefaultIfEmpty(0).Max();
        var cpuMs = Profiling.CpuMeter.Delta(before, cpu());
        var cpuSeconds = measured.Elapsed.TotalSeconds;
        var latencies = client.LatenciesMs(warmUp, count);
        Array.Sort(latencies);
        var slots = client.Slots.Skip(warmUp).ToList();
        var accepted = slots.Count(s => s.Answered && s.Replies[0].Code == RadiusEdge.Protocol.RadiusCode.AccessAccept);
        var answered = slots.Count(s => s.Answered);
        var window = Math.Max(sending, lastAnswer == 0 ? sending : Stopwatch.GetElapsedTime(slots[0].FirstSentAt, lastAnswer).TotalSeconds);
        return new RateRun(server, "timing client", count / sending, answered / window, count, accepted, answered - accepted, count - answered,
            Percentile(latencies, 50), Percentile(latencies, 90), Percentile(latencies, 99), latencies.Length == 0 ? double.NaN : latencies[^1], cpuMs, cpuSeconds);
    }

    private static async Task WaitAsync(NasClient client, int first, int count)
    {
        var clock = Stopwatch.StartNew();
        while (client.AnsweredCount(first, count) < count && clock.Elapsed < StragglerWait)
            await Task.Delay(50);
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
