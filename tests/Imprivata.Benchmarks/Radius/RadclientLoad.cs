using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Imprivata.Benchmarks.Radius;

public sealed record RadclientResult(int Requests, double Seconds, int Accepted, int Rejected, int Lost, double CpuMs)
{
    public double PerSecond => (Accepted + Rejected) / Seconds;
}

/// <summary>
/// FreeRADIUS radclient (Debian freeradius-utils) driving a server: one file of PAP Access-Requests with
/// Message-Authenticator, sent at <c>-n</c> requests per second with up to <c>-p</c> outstanding (one source port, so at
/// most 255), a 5 s timeout and one retry; its own summary counts what was accepted, rejected and lost, and radclient
/// verifies every reply's authenticators with the shared secret before it counts it. It prints no per-request times,
/// so the latency percentiles come from <see cref="NasClient"/> under the same offered load.
/// </summary>
public static partial class RadclientLoad
{
    public const string Binary = "/usr/bin/radclient";
    public const int Parallel = 255;

    public static async Task<RadclientResult> RunAsync(int port, string secret, IReadOnlyList<(string User, string Password)> users, int rate, int requests)
    {
        var file = Path.Combine(Path.GetTempPath(), $"radclient-bench-{Environment.ProcessId}-{port}.txt");
        var text = new StringBuilder();
        for (var i = 0; i < requests; i++)
        {
            var (user, password) = users[i % users.Count];
            text.Append(CultureInfo.InvariantCulture, $"User-Name = \"{user}\"\nUser-Password = \"{password}\"\nNAS-Identifier = \"{RadiusBenchmark.ClientName}\"\nMessage-Authenticator = 0x00\n\n");
        }
        await File.WriteAllTextAsync(file, text.ToString());
        var psi = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-4", "-s", "-t", "5", "-r", "1", "-n", rate.ToString(CultureInfo.InvariantCulture), "-p", Parallel.ToString(CultureInfo.InvariantCulture),
                "-f", file, $"127.0.0.1:{port}", "auth", secret },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var childrenBefore = ReapedChildrenCpuMs();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("radclient did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(requests / (double)rate + 60));
        await process.WaitForExitAsync(limit.Token);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuMs = ReapedChildrenCpuMs() - childrenBefore;
        File.Delete(file);
        var output = await stdout + await stderr;
        return new RadclientResult(requests, seconds, Count(output, "Accepted"), Count(output, "Rejected"), Count(output, "Lost"), cpuMs);
    }

    /// <summary>CPU of this process's children that have exited (cutime + cstime in /proc/self/stat): radclient's, once it is reaped.</summary>
    private static double ReapedChildrenCpuMs()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static int Count(string output, string name)
    {
        var match = Regex.Match(output, @"^\s*" + name + @"\s*:\s*(\d+)", RegexOptions.Multiline);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"radclient printed no '{name}' count:\n" + output[^Math.Min(output.Length, 2000)..]);
    }
}
