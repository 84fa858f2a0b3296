using System.Diagnostics;
using Imprivata.Benchmarks.Profiling;
using Imprivata.Core.Mfa;
using Imprivata.Core.Radius;
using Imprivata.Core.UserDirectory;
using Imprivata.Testing.Radius;

namespace Imprivata.Benchmarks.Radius;

/// <summary>
/// ./bench.sh --radius: remote access end to end beside FreeRADIUS, in one run. Azurite, the real backend (this process,
/// standalone with its queue pump), the built edge (its own process) and FreeRADIUS (PAP from a users file) on loopback;
/// password-only decisions at a fixed 200 requests/s against both, timed by <see cref="NasClient"/> and driven again by
/// radclient; then 1,000 concurrent pushes held and approved at random times (<see cref="HeldPushes"/>).
/// </summary>
public static class RadiusBenchmark
{
    public const string ClientName = "vpn-bench";
    public const string Secret = "bench-shared-secret-0123456789ab";
    public const int Rate = 200;
    public const int PasswordUsers = 400;
    public const int PushUsers = 1000;
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    public const double P50TargetMs = 50, P99TargetMs = 250;

    public const string Backend = "backend (+ clients)";
    public const string Edge = "edge";
    public const string AzuriteName = "Azurite";
    public const string FreeRadius = "FreeRADIUS";
    public const string EdgeAndBackend = "edge + backend";
    /// <summary>A rate this machine can hash passwords for (Argon2id), to show the path's own latency apart from a CPU queue.</summary>
    public const int LightRate = 25;

    /// <summary>The edge and FreeRADIUS: the watchdog stops them before it ends this process (Azurite exits with it by itself).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentBag<Process> Children = [];

    public static async Task<int> RunAsync()
    {
        var total = Stopwatch.StartNew();
        new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromMinutes(9));
            Console.Error.WriteLine("benchmark: still running after 9 minutes; stopping.");
            foreach (var child in Children)
                try { child.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            Environment.Exit(3);
        }) { IsBackground = true, Name = "watchdog" }.Start();

        Console.WriteLine($"RADIUS end to end beside FreeRADIUS: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, " +
                          $"load average {Report.F(CpuMeter.LoadAverage(), "0.00")} at the start (above the core count, other work competes for the cores)");
        if (!FreeRadiusServer.Installed || !File.Exists(RadclientLoad.Binary))
        {
            Console.Error.WriteLine("freeradius and radclient are needed (bench.sh installs Debian's freeradius and freeradius-utils).");
            return 2;
        }

        var argon2CpuMs = Argon2idCpuMs();
        Console.WriteLine($"Argon2id verification (the backend's password check, m=7 MiB t=5): {Report.F(argon2CpuMs, "0.0")} ms of CPU each (this thread's CPU time, " +
                          "not wall time, which other work on the machine stretches)");
        Say(total, "starting Azurite and the backend (this process; standalone, its RADIUS queue pump on)");
        await using var backend = await RadiusBackend.StartAsync(new Dictionary<string, string?>
        {
            // One warning per request left unanswered would bury the figures; the edge's exchange log counts them (NOANSWER).
            ["Logging:LogLevel:Imprivata.Functions.Radius.RadiusAnswers"] = "Error",
            ["Logging:LogLevel:Imprivata.Functions.Mfa.WebAuthn"] = "Error",
        });
        await backend.SaveClientAsync(new RadiusClientProfile { Name = ClientName });
        // Push for everybody: users without an approver are in their grace period and get in with the password alone.
        await backend.GoLiveAsync([Factor.Push]);

        Say(total, $"seeding {PasswordUsers} password-only users (grace: no second factor yet) and {PushUsers} users with a push approver");
        var passwordUsers = Enumerable.Range(0, PasswordUsers).Select(i => ($"pw-{i:D4}", RadiusBackend.Password)).ToList();
        await SeededUsers.AddAsync(backend, passwordUsers.Select(u => u.Item1).ToList());
        var pushUsers = await SeededUsers.AddAsync(backend, Enumerable.Range(0, PushUsers).Select(i => $"push-{i:D4}").ToList());
        var phones = new ApproverPhone[PushUsers];
        await Parallel.ForEachAsync(Enumerable.Range(0, PushUsers), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, _) => phones[i] = await ApproverPhone.RegisterAsync(backend.Service, pushUsers[i]));
        Say(total, "seeded");

        var (keyId, pem) = await backend.SealKeyAsync();
        using var edge = await EdgeProcess.StartAsync(backend.RequestQueue, keyId, pem, Secret, new Dictionary<string, string>
        {
            // A push is held up to its 30 s timeout: the decision must be waited for longer than that.
            ["DecisionTimeout"] = HeldPushes.DecisionTimeout.ToString(),
        });
        Children.Add(edge.Process);
        Say(total, $"edge (pid {edge.ProcessId}) on udp/{edge.Port}, reply queue polled every 20..200 ms (defaults)");
        await using var freeRadius = await FreeRadiusServer.StartAsync(Secret, passwordUsers);
        Children.Add(freeRadius.Process);
        Say(total, $"FreeRADIUS (pid {freeRadius.Process.Id}) on udp/{freeRadius.Port} with the same {PasswordUsers} users (users file, PAP)");

        var pids = new Dictionary<string, int> { [Backend] = Environment.ProcessId, [Edge] = edge.ProcessId, [FreeRadius] = freeRadius.Process.Id };
        if (CpuMeter.FindProcess("--tablePort", Azurite.PortOf("Table").ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } azurite)
            pids[AzuriteName] = azurite;
        var meter = new CpuMeter(pids, new Dictionary<string, Func<double>> { [RadiusReport.Machine] = CpuMeter.MachineBusyMs });

        // Held pushes first: the 200/s runs may leave the backend a backlog (expired requests it still reads and drops).
        Say(total, $"held pushes: {PushUsers} requests over 2 s, each approved on its phone at a random time within 30 s");
        var heldBefore = meter.SnapshotMs();
        var held = await HeldPushes.RunAsync(backend, edge, phones, pushUsers);
        var heldMet = RadiusReport.Held(held, CpuMeter.Delta(heldBefore, meter.SnapshotMs()));
        Console.WriteLine($"  edge exchange log: {edge.ExchangeSummary()}");
        foreach (var phone in phones)
            phone.Dispose();

        var count = (int)(Rate * Duration.TotalSeconds);
        var warm = (int)(Rate * WarmUp.TotalSeconds);
        var runs = new List<RateRun>();
        RadiusReport.RatesHeader();
        foreach (var (name, port) in new[] { (FreeRadius, freeRadius.Port), (EdgeAndBackend, edge.Port) })
        {
            runs.Add(RadiusReport.Row(await OpenLoop.RunAsync(name, port, Secret, warm, count, Rate, passwordUsers, meter.SnapshotMs)));
            await DrainedAsync(backend, total, edgeRun: port == edge.Port);
            var before = meter.SnapshotMs();
            var measured = Stopwatch.StartNew();
            var rc = await RadclientLoad.RunAsync(port, Secret, passwordUsers, Rate, count, Duration + TimeSpan.FromSeconds(25));
            var cpu = CpuMeter.Delta(before, meter.SnapshotMs()).ToDictionary(c => c.Key, c => c.Value);
            cpu[RadiusReport.Radclient] = rc.CpuMs;
            var sorted = rc.LatenciesMs.Order().ToArray();
            runs.Add(RadiusReport.Row(new RateRun(name, rc.Finished ? "radclient" : "radclient*", count / Duration.TotalSeconds, rc.PerSecond, count, rc.Accepted,
                rc.Rejected, rc.Lost, OpenLoop.Percentile(sorted, 50), OpenLoop.Percentile(sorted, 90), OpenLoop.Percentile(sorted, 99),
                sorted.Length == 0 ? double.NaN : sorted[^1], cpu, measured.Elapsed.TotalSeconds)));
            await DrainedAsync(backend, total, edgeRun: port == edge.Port);
        }
        // The same path at a rate this machine's cores can hash passwords for: what the queues and the edge add on their own.
        var light = (int)(LightRate * Duration.TotalSeconds);
        RateRun lightRun;
        using (var calls = new AzuriteCalls(Azurite.PortOf("Table"), Azurite.PortOf("Queue")))
        {
            lightRun = RadiusReport.Row(await OpenLoop.RunAsync(EdgeAndBackend, edge.Port, Secret, LightRate * 2, light, LightRate, passwordUsers, meter.SnapshotMs));
            runs.Add(lightRun);
            RadiusReport.RatesFooter(runs, argon2CpuMs);
            RadiusReport.StorageCalls(calls.Calls, lightRun, (LightRate * 2 + light) / (double)LightRate + 10);
        }
        var rateMet = RadiusReport.RateTargets(runs.First(r => r.Server == EdgeAndBackend && r.Driver == "timing client"),
            runs.First(r => r.Server == EdgeAndBackend && r.Driver.StartsWith("radclient", StringComparison.Ordinal)));
        Console.WriteLine($"  edge exchange log: {edge.ExchangeSummary()}");

        Console.WriteLine();
        Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s; load average now {Report.F(CpuMeter.LoadAverage(), "0.00")}. " +
                          $"Targets {(rateMet && heldMet ? "met" : "missed")}.");
        return rateMet && heldMet ? 0 : 1;
    }

    /// <summary>
    /// Waits (up to 90 s) until the backend has taken every request off its queue, so one run's backlog does not weigh on the
    /// next; after a run through the edge, for at least 30 s too, so that the requests it still held (up to their 35 s
    /// DecisionTimeout, counted from their send; the run waited 10 s for stragglers) have left its pending table.
    /// </summary>
    private static async Task DrainedAsync(RadiusBackend backend, Stopwatch total, bool edgeRun)
    {
        var minimum = edgeRun ? TimeSpan.FromSeconds(30) : TimeSpan.Zero;
        var queue = new Azure.Storage.Queues.QueueClient(Azurite.ConnectionString, backend.RequestQueue);
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var waiting = -1;
        try
        {
            while ((waiting = (await queue.GetPropertiesAsync(limit.Token)).Value.ApproximateMessagesCount) > 0)
                await Task.Delay(500, limit.Token);
        }
        catch (OperationCanceledException)
        {
            // still a backlog after 90 s: the next run starts anyway, and this line says so
        }
        if (clock.Elapsed < minimum)
            await Task.Delay(minimum - clock.Elapsed);
        if (clock.Elapsed > TimeSpan.FromSeconds(1))
            Say(total, $"waited {clock.Elapsed.TotalSeconds:0} s for the backend to work off the request queue's backlog and the edge to let go of what it held ({(waiting < 0 ? "unknown" : waiting.ToString(System.Globalization.CultureInfo.InvariantCulture))} left)");
    }

    /// <summary>CPU milliseconds of one Argon2id verification with the production parameters, read from this thread's CPU clock.</summary>
    private static double Argon2idCpuMs()
    {
        var hasher = new Imprivata.Core.Passwords.PasswordHasher();
        var hash = hasher.Hash(RadiusBackend.Password);
        hasher.Verify(RadiusBackend.Password, hash);
        const int Rounds = 10;
        var before = ThreadCpuMs();
        for (var i = 0; i < Rounds; i++)
            hasher.Verify(RadiusBackend.Password, hash);
        return (ThreadCpuMs() - before) / Rounds;
    }

    /// <summary>This thread's user + system CPU (/proc/thread-self/stat, 10 ms ticks: 10 rounds of 10+ ms read well enough).</summary>
    private static double ThreadCpuMs()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10.0;
    }

    public static void Say(Stopwatch total, string line) => Console.WriteLine($"  [{total.Elapsed:mm\\:ss}] {line}");
}
