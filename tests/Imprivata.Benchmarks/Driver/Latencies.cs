namespace Imprivata.Benchmarks.Driver;

/// <summary>What one measured phase produced: completed operations, errors, wall time and each operation's latency.</summary>
public sealed record Measurement(string Scenario, int Completed, int Errors, TimeSpan Elapsed, double[] LatenciesMs, string? FirstError)
{
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
