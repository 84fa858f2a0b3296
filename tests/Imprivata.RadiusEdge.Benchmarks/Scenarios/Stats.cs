namespace Imprivata.RadiusEdge.Benchmarks.Scenarios;

public static class Stats
{
    /// <summary>Nearest-rank percentile of a sample (NaN when empty).</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
