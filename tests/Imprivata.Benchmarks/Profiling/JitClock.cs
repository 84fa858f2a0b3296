using System.Globalization;

namespace Imprivata.Benchmarks.Profiling;

/// <summary>
/// Our service's JIT time, published by its process to a file for the load driver (another process) to read.
/// .NET keeps recompiling hot methods with full optimisation for tens of seconds into a new load on a slow machine;
/// the driver uses this to tell a warmed-up service from one still compiling, and to report what compiling cost a phase.
/// </summary>
public static class JitClock
{
    /// <summary>Rewrites <paramref name="path"/> every 100 ms with this process's total JIT milliseconds (all threads).</summary>
    public static IDisposable Publish(string path) => new Timer(_ =>
    {
        try
        {
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture));
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            // a missed beat only makes the reader's figure 100 ms older
        }
    }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

    /// <summary>The last published total, or NaN when none is there yet.</summary>
    public static double ReadMs(string path)
    {
        try
        {
            return double.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return double.NaN;
        }
    }
}
