namespace Imprivata.Benchmarks.Driver;

/// <summary>What one measured phase produced: completed operations, errors, wall time and each operation's latency.</summary>
public sealed record Measurement(string Scenario, int Completed, int Errors, TimeSpan Elapsed, double[] LatenciesMs, string? FirstError)
{
    /// <summary>CPU milliseconds each process spent during the measured part (see CpuMeter); empty when not measured.</summary>
    public IReadOnlyDictionary<string, double> CpuMs { get; init; } = new Dictionary<string, double>();

    /// <summary>How long the untimed warm-up before it ran (zero when none, or counted in rounds instead).</summary>
    public TimeSpan WarmUp { get; init; }

    public double CpuMsPerOperation(string process) => Completed == 0 ? double.NaN : CpuMs.GetValueOrDefault(process, double.NaN) / Completed;

    public double PerSecond => Completed / Elapsed.TotalSeconds;
    public double P50 => Percentile(0.50);
    public double P99 => Percentile(0.99);

    private double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
            return double.NaN;
        var sorted = LatenciesMs.Order().ToArray();
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}
