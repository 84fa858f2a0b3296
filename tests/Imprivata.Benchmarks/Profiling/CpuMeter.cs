using System.Globalization;

namespace Imprivata.Benchmarks.Profiling;

/// <summary>
/// CPU time (user + system) of the processes involved, read from /proc (Linux): our service, the load driver, Azurite, and
/// oidc-provider's node. Deltas over a phase give CPU milliseconds per operation for each. Other clocks in milliseconds
/// (our service's JIT time) are read alongside.
/// </summary>
public sealed class CpuMeter(IReadOnlyDictionary<string, int> processes, IReadOnlyDictionary<string, Func<double>>? clocks = null)
{
    private static readonly double TickMs = 1000.0 / 100; // USER_HZ is 100 on Linux

    public IReadOnlyDictionary<string, double> SnapshotMs()
    {
        var snapshot = processes.ToDictionary(p => p.Key, p => ReadMs(p.Value));
        foreach (var (name, read) in clocks ?? new Dictionary<string, Func<double>>())
            snapshot[name] = read();
        return snapshot;
    }

    public static IReadOnlyDictionary<string, double> Delta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    /// <summary>The pid of the process whose command line contains every one of <paramref name="parts"/>, or null.</summary>
    public static int? FindProcess(params string[] parts)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (parts.All(part => args.Contains(part)))
                    return pid;
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                // not ours
            }
        }
        return null;
    }

    /// <summary>
    /// CPU milliseconds every process of the machine has spent (all cores, /proc/stat: everything but idle and iowait). Its
    /// delta beside the measured processes' says how much of the machine others took during a phase.
    /// </summary>
    public static double MachineBusyMs()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            var busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(cpu[i], CultureInfo.InvariantCulture));
            return busy * TickMs;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>The 1-minute load average (runnable processes, /proc/loadavg).</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private static double ReadMs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')'; utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * TickMs;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
