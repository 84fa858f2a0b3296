using System.Diagnostics;
using System.Text.Json;
using Imprivata.Benchmarks.Driver;
using Imprivata.Benchmarks.Profiling;
using Imprivata.Storage.Tables;

namespace Imprivata.Benchmarks;

/// <summary>What the benchmark's own process (hosting our service) tells the load driver it starts.</summary>
public sealed record DriveOrders(
    OidcTarget Ours, OidcTarget Theirs, int ServicePid, int NodePid, int? AzuritePid, string StorageConnectionString,
    string TablePrefix, double Argon2Ms, double Argon2AllCoresMs, double RsaMs, double ClientSecretMs, string JitClockPath,
    bool CodesOnly = false);

/// <summary>
/// The load driver runs in a process of its own, so that the CPU each side spends is read per process: our service's
/// process holds nothing but the service (and its idle benchmark host), the driver's CPU is counted apart for both
/// providers, as are Azurite's and node's.
/// </summary>
public static class LoadDriver
{
    public const int Concurrency = 8;
    public const int MetExitCode = 0;
    public const int MissedExitCode = 10;

    /// <summary>Starts this same program as the driver and waits for it; its report goes straight to our console.</summary>
    public static async Task<int> RunChildAsync(DriveOrders orders, TimeSpan limit)
    {
        var file = Path.Combine(Path.GetTempPath(), $"imprivata-bench-{Environment.ProcessId}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(orders));
        try
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet")
                psi.ArgumentList.Add(typeof(LoadDriver).Assembly.Location);
            psi.ArgumentList.Add("--drive");
            psi.ArgumentList.Add(file);
            using var child = Process.Start(psi) ?? throw new InvalidOperationException("the load driver did not start");
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await child.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                child.Kill(entireProcessTree: true);
                throw new TimeoutException($"The load driver was still running after {limit.TotalSeconds:0} s.");
            }
            return child.ExitCode;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The driver's side: every timed scenario on both providers, CPU per process, costs and the targets.</summary>
    public static async Task<int> RunAsync(string ordersFile)
    {
        var orders = JsonSerializer.Deserialize<DriveOrders>(await File.ReadAllTextAsync(ordersFile))
                     ?? throw new InvalidOperationException("no orders for the load driver");
        var total = Stopwatch.StartNew();
        var processes = new Dictionary<string, int>
        {
            [Report.ServiceProcess] = orders.ServicePid,
            [Report.DriverProcess] = Environment.ProcessId,
            [Report.NodeProcess] = orders.NodePid,
        };
        if (orders.AzuritePid is { } azurite)
            processes[Report.AzuriteProcess] = azurite;

        using var ourDriver = await OidcDriver.ConnectAsync(orders.Ours, Concurrency);
        using var theirDriver = await OidcDriver.ConnectAsync(orders.Theirs, Concurrency);
        var clocks = new Dictionary<string, Func<double>>
        {
            [Report.ServiceJit] = () => JitClock.ReadMs(orders.JitClockPath),
            [Report.MachineBusy] = CpuMeter.MachineBusyMs,
        };
        var scenarios = new Scenarios(new LoadRunner(Concurrency, new CpuMeter(processes, clocks)), Budget.Default);

        // Each scenario runs on our side then on theirs, back to back, so background load on the machine hits both alike.
        async Task<(Measurement Ours, Measurement Theirs)> BothAsync(Func<OidcDriver, Task<Measurement>> scenario)
        {
            var a = await scenario(ourDriver);
            Console.WriteLine($"  {a.Scenario} / ours: {Report.F(a.PerSecond)}/s (after {a.WarmUp.TotalSeconds:0} s of warm-up; {total.Elapsed.TotalSeconds:0} s elapsed)");
            var b = await scenario(theirDriver);
            Console.WriteLine($"  {b.Scenario} / oidc-provider: {Report.F(b.PerSecond)}/s (after {b.WarmUp.TotalSeconds:0} s of warm-up; {total.Elapsed.TotalSeconds:0} s elapsed)");
            return (a, b);
        }

        // --codes-only: the two code scenarios alone (authorize w/ SSO and redemption), a shorter run for comparing changes on them.
        var all = !orders.CodesOnly;
        var rows = new List<(Measurement Ours, Measurement Theirs)>();
        if (all)
        {
            rows.Add(await BothAsync(scenarios.DiscoveryAsync));
            rows.Add(await BothAsync(scenarios.JwksAsync));
        }
        var (ourRedemptions, theirRedemptions) = await scenarios.RedemptionsInTurnAsync(ourDriver, theirDriver);
        Console.WriteLine($"  code redemption, batch for batch in turn / ours: {Report.F(ourRedemptions.Redeemed.PerSecond)}/s, oidc-provider: " +
                          $"{Report.F(theirRedemptions.Redeemed.PerSecond)}/s (after {scenarios.RedemptionWarmUpRoundsRun} warm-up rounds each; {total.Elapsed.TotalSeconds:0} s elapsed)");
        (Measurement Ours, Measurement Theirs) redemptions = (ourRedemptions.Redeemed, theirRedemptions.Redeemed);
        var (generation, theirGeneration) = (ourRedemptions.Generated, theirRedemptions.Generated);
        rows.Add(redemptions);
        (Measurement Ours, Measurement Theirs)? logins = all ? await BothAsync(scenarios.LoginsAsync) : null;
        if (logins is { } both)
            rows.Add(both);
        rows.Add((generation, theirGeneration));

        Report.Table(rows);
        Console.WriteLine("  (authorize w/ SSO -> code = GET /authorize with an SSO session cookie -> redirect with a code; untimed setup of the redemption phase)");
        Console.WriteLine("  (password login = authorize -> login page GET -> POST username/password -> authorize -> code -> token, fresh cookie jar each)");
        Report.Cpu(rows);
        Report.MachineLoad(rows);
        var tables = new TableSet(new TableStorageOptions { ConnectionString = orders.StorageConnectionString, TablePrefix = orders.TablePrefix });
        var storage = await StorageCosts.MeasureAsync(tables, new LoadRunner(Concurrency, new CpuMeter(processes)), 2000);
        Report.Costs(orders.Argon2Ms, orders.Argon2AllCoresMs, orders.RsaMs, orders.ClientSecretMs, storage.Read, storage.Upsert);
        return Report.Targets(redemptions, (generation, theirGeneration), logins?.Ours) ? MetExitCode : MissedExitCode;
    }
}
