using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Imprivata.Benchmarks.ColdStart;

/// <summary>
/// ./bench.sh --cold-start: how long a fresh instance takes, per package flavour (ReadyToRun or not), from process start to the
/// host's readiness probe answered (GET /) and to the first login page served (GET /login 200). Each package starts once
/// untimed (tables and keys created, files in the page cache), then the flavours alternate so machine load hits both alike.
/// Figures are medians; the CPU column is the app's own user+system time until the login page, which load on a shared
/// machine disturbs far less than wall-clock time.
/// </summary>
public static class ColdStartBenchmark
{
    private const int Runs = 5;
    // The custom-handlers documentation: "The custom handler web server needs to start within 60 seconds."
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <param name="packages">label=path.zip pairs, e.g. ReadyToRun=artifacts/cold-start/ready-to-run.zip.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> packages)
    {
        if (packages.Count == 0 || packages.Any(p => !p.Contains('=')))
        {
            Console.Error.WriteLine("usage: --cold-start <label>=<package.zip> [<label>=<package.zip> ...]");
            return 2;
        }
        using var watchdog = new Timer(_ =>
        {
            Console.Error.WriteLine("cold start: still running after 295 s; stopping (limit 5 minutes).");
            Environment.Exit(3);
        }, null, TimeSpan.FromSeconds(295), Timeout.InfiniteTimeSpan);

        var apps = packages.Select(p => p.Split('=', 2)).Select(p => PackagedApp.Unpack(p[0], Path.GetFullPath(p[1]))).ToList();
        try
        {
            await using var azurite = await AzuriteProcess.StartAllAsync();
            var settings = new Dictionary<string, string>
            {
                ["Imprivata__Storage__ConnectionString"] = azurite.ConnectionString,
                ["Imprivata__Storage__TablePrefix"] = "cold" + Guid.NewGuid().ToString("N")[..8],
                // As in Azure: the issuer is the public https origin, not the loopback address the host forwards to.
                ["Imprivata__PublicBaseUrl"] = "https://idp.example.org",
            };
            Console.WriteLine($"Cold start of the deployment package as the Functions host starts it ({Environment.ProcessorCount} cores, load average {LoadAverage()}):");
            foreach (var app in apps)
                await StartOnceAsync(app, settings);

            var samples = apps.ToDictionary(a => a.Label, _ => new List<Sample>());
            for (var run = 0; run < Runs; run++)
                foreach (var app in apps)
                    samples[app.Label].Add(await StartOnceAsync(app, settings));

            Console.WriteLine($"  median of {Runs} starts each (after one untimed start), private Azurite on loopback:");
            Console.WriteLine($"  {"package",-12} {"start -> GET / answered",24} {"start -> GET /login 200",24} {"CPU until /login",17}");
            foreach (var (label, list) in samples)
                Console.WriteLine($"  {label,-12} {Median(list, s => s.Ready),21:0} ms {Median(list, s => s.Login),21:0} ms {Median(list, s => s.CpuMs),14:0} ms");
            Console.WriteLine($"  load average after: {LoadAverage()}");
            return 0;
        }
        finally
        {
            foreach (var app in apps)
                app.Dispose();
        }
    }

    private sealed record Sample(double Ready, double Login, double CpuMs);

    private static async Task<Sample> StartOnceAsync(PackagedApp app, IReadOnlyDictionary<string, string> settings)
    {
        var port = Ports.FreeTcp();
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var clock = Stopwatch.StartNew();
        using var process = app.Start(port, settings);
        try
        {
            await WaitForAnswerAsync(http, process, app.Label);
            var ready = clock.Elapsed.TotalMilliseconds;
            using var login = await http.GetAsync("/login");
            var loginMs = clock.Elapsed.TotalMilliseconds;
            if (login.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"{app.Label}: GET /login answered {(int)login.StatusCode}.");
            return new Sample(ready, loginMs, CpuMilliseconds(process));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task WaitForAnswerAsync(HttpClient http, Process process, string label)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{label}: the app exited with code {process.ExitCode} before answering.");
            if (deadline.Elapsed > StartLimit)
                throw new TimeoutException($"{label}: no answer to GET / within {StartLimit.TotalSeconds:0} s (the host gives up then).");
            try
            {
                using var response = await http.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(5);
        }
    }

    // /proc/<pid>/stat fields 14 and 15 (utime, stime) in clock ticks; 100 per second on Linux.
    private static double CpuMilliseconds(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Median(List<Sample> samples, Func<Sample, double> value)
    {
        var sorted = samples.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
