using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Imprivata.Benchmarks.Radius;

public sealed record RadclientResult(int Requests, double Seconds, int Accepted, int Rejected, double[] LatenciesMs, double CpuMs, bool Finished)
{
    public int Lost => Requests - Accepted - Rejected;
    public double PerSecond => (Accepted + Rejected) / Seconds;
}

/// <summary>
/// FreeRADIUS radclient (Debian freeradius-utils) driving a server: one file of PAP Access-Requests with
/// Message-Authenticator, sent at <c>-n</c> requests per second with up to <c>-p</c> outstanding (one source port, so at
/// most 255), a 5 s timeout and one retry. radclient verifies every reply's authenticators with the shared secret before
/// it prints it. Its lines ("Sent Access-Request Id 7 ...", "Received Access-Accept Id 7 ...") are read as they come
/// (stdbuf makes its stdout line-buffered), so each request is timed from its first send to its reply; a run that has
/// not finished by the bound is stopped, and what got no reply by then is lost.
/// </summary>
public static partial class RadclientLoad
{
    public const string Binary = "/usr/bin/radclient";
    public const int Parallel = 255;

    public static async Task<RadclientResult> RunAsync(int port, string secret, IReadOnlyList<(string User, string Password)> users, int rate, int requests,
        TimeSpan bound)
    {
        var file = Path.Combine(Path.GetTempPath(), $"radclient-bench-{Environment.ProcessId}-{port}.txt");
        var text = new StringBuilder();
        for (var i = 0; i < requests; i++)
        {
            var (user, password) = users[i % users.Count];
            text.Append(CultureInfo.InvariantCulture, $"User-Name = \"{user}\"\nUser-Password = \"{password}\"\nNAS-Identifier = \"{RadiusBenchmark.ClientName}\"\nMessage-Authenticator = 0x00\n\n");
        }
        await File.WriteAllTextAsync(file, text.ToString());
        var psi = new ProcessStartInfo("stdbuf")
        {
            ArgumentList = { "-oL", Binary, "-4", "-s", "-t", "5", "-r", "1", "-n", rate.ToString(CultureInfo.InvariantCulture),
                "-p", Parallel.ToString(CultureInfo.InvariantCulture), "-f", file, $"127.0.0.1:{port}", "auth", secret },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var childrenBefore = ReapedChildrenCpuMs();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("radclient did not start");
        var sentAt = new Dictionary<int, long>();
        var latencies = new List<double>();
        int accepted = 0, rejected = 0;
        var lastReply = TimeSpan.Zero;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line || Line().Match(line) is not { Success: true } m)
                return;
            var now = Stopwatch.GetTimestamp();
            var id = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            lock (sentAt)
            {
                if (m.Groups[1].Value == "Sent")
                {
                    sentAt.TryAdd(id, now); // a retransmission keeps the first send's time
                    return;
                }
                if (!sentAt.Remove(id, out var at))
                    return;
                latencies.Add(Stopwatch.GetElapsedTime(at, now).TotalMilliseconds);
                if (m.Groups[2].Value == "Access-Accept")
                    accepted++;
                else
                    rejected++;
                lastReply = clock.Elapsed;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            // "No reply from server for ID 7 socket 3": given up (lost); the Identifier is free for a later request.
            if (e.Data is { } line && NoReply().Match(line) is { Success: true } m)
                lock (sentAt)
                    sentAt.Remove(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = true;
        using (var limit = new CancellationTokenSource(bound))
        {
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                finished = false;
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        process.WaitForExit(); // the last lines are read
        var cpuMs = ReapedChildrenCpuMs() - childrenBefore;
        File.Delete(file);
        lock (sentAt)
        {
            var window = finished ? clock.Elapsed : lastReply;
            return new RadclientResult(requests, Math.Max(window.TotalSeconds, requests / (double)rate), accepted, rejected, [.. latencies], cpuMs, finished);
        }
    }

    [GeneratedRegex(@"^(Sent|Received) (Access-[A-Za-z]+) Id (\d+) ")]
    private static partial Regex Line();

    [GeneratedRegex(@"No reply from server for ID (\d+)")]
    private static partial Regex NoReply();

    /// <summary>CPU of this process's children that have exited (cutime + cstime in /proc/self/stat): radclient's, once it is reaped.</summary>
    private static double ReapedChildrenCpuMs()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) * 10.0;
    }
}
