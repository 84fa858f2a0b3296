namespace Imprivata.RadiusEdge.Benchmarks;

/// <summary>The summary table: one row per target of the issue, with the measured figure and PASS / MISS.</summary>
public sealed class Report
{
    private readonly List<(string Target, string Measured, bool? Pass)> _rows = [];

    public void Add(string target, string measured, bool? pass) => _rows.Add((target, measured, pass));

    public bool AllPassed => _rows.All(r => r.Pass != false);

    public void Print(TextWriter output)
    {
        var w1 = Math.Max(6, _rows.Max(r => r.Target.Length));
        var w2 = Math.Max(8, _rows.Max(r => r.Measured.Length));
        output.WriteLine();
        output.WriteLine($"| {"target".PadRight(w1)} | {"measured".PadRight(w2)} | result |");
        output.WriteLine($"| {new string('-', w1)} | {new string('-', w2)} | ------ |");
        foreach (var (target, measured, pass) in _rows)
            output.WriteLine($"| {target.PadRight(w1)} | {measured.PadRight(w2)} | {(pass switch { true => "PASS", false => "MISS", null => "n/a" }),-6} |");
    }
}
