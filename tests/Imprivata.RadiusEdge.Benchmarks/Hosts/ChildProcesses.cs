using System.Collections.Concurrent;
using System.Diagnostics;

namespace Imprivata.RadiusEdge.Benchmarks.Hosts;

/// <summary>The processes this benchmark started (Azurite, FreeRADIUS), so the watchdog can stop exactly those.</summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Started = new();

    public static Process Track(Process process)
    {
        Started[process.Id] = process;
        return process;
    }

    public static void KillAll()
    {
        foreach (var process in Started.Values)
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }
}
