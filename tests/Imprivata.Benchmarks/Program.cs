// Figures side by side with oidc-provider (npm): metadata requests, code redemptions, complete password logins.
// Not a test: run ./bench.sh (Release). Stops by itself; a watchdog ends it if anything hangs.
// This process hosts our service (persisting to Azurite) and starts oidc-provider; the load driver runs in a second
// process (LoadDriver), so the CPU of our service, the driver, Azurite and node is each read on its own.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Imprivata.Benchmarks;
using Imprivata.Benchmarks.Driver;
using Imprivata.Benchmarks.Profiling;
using Imprivata.Benchmarks.Targets;
using Imprivata.Storage.Tables;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

if (args is ["--drive", var ordersFile])
    return await LoadDriver.RunAsync(ordersFile);
if (args is ["--radius"])
    return await Imprivata.Benchmarks.Radius.RadiusBenchmark.RunAsync();
if (args is ["--cold-start", .. var packages])
    return await Imprivata.Benchmarks.ColdStart.ColdStartBenchmark.RunAsync(packages);

// --codes-only: only the code scenarios (authorize w/ SSO -> code, code redemption), no instrumented run after them.
var codesOnly = args is ["--codes-only"];
var total = Stopwatch.StartNew();
using var watchdog = new Timer(_ =>
{
    Console.Error.WriteLine("benchmark: still running after 295 s; stopping (limit 5 minutes).");
    Environment.Exit(3);
}, null, TimeSpan.FromSeconds(295), Timeout.InfiniteTimeSpan);

var redirectUri = new Uri("http://127.0.0.1:9/callback");
const string Username = "bench.user";
var password = "Bench-" + Pkce.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

Console.WriteLine($"Imprivata benchmark: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
                  $"server GC {System.Runtime.GCSettings.IsServerGC}; load average {Report.F(CpuMeter.LoadAverage(), "0.0")} at the start " +
                  "(runnable processes: above the core count, other work competes for the cores)");
Console.WriteLine($"Driver: its own process, one HttpClient (SocketsHttpHandler, keep-alive, loopback) per provider, {LoadDriver.Concurrency} concurrent workers, " +
                  $"warm-up {Budget.Default.WarmUp.TotalSeconds:0} s ({Budget.Default.RedemptionWarmUpRounds} untimed rounds before redemptions), longer while our service is still compiling " +
                  $"(up to {Budget.Default.MaxWarmUp.TotalSeconds:0} s more, the same for oidc-provider); driver, Azurite, node and our service share this machine's cores.");

var argon2Ms = CryptoCosts.Argon2idVerifyMs();
var argon2AllCoresMs = CryptoCosts.Argon2idVerifyMsAllCores();
var rsaMs = CryptoCosts.Rsa2048SignMs();

Console.WriteLine("Starting our service (this process, Azurite tables) and oidc-provider (node) ...");
await using var ours = await OurService.StartAsync(redirectUri, Username, password);
using var theirs = await OidcProviderProcess.StartAsync(redirectUri, Username, password);
Console.WriteLine($"  ours: {ours.Target.Issuer} (persists to Azurite)");
Console.WriteLine($"  oidc-provider {theirs.Version} on node {theirs.NodeVersion}: {theirs.Target.Issuer} (in-memory adapter; plain-text password " +
                  "compare, NO password hashing; opaque access tokens, only the ID token is signed)");
var clientSecretMs = await CryptoCosts.ClientSecretCheckMsAsync(ours.Services.GetRequiredService<IOpenIddictApplicationManager>(),
    ours.Target.ClientId, ours.Target.ClientSecret);

var storagePort = TablePortOf(Azurite.ConnectionString);
var azuritePid = CpuMeter.FindProcess("--tablePort", storagePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
var orders = new DriveOrders(ours.Target, theirs.Target, Environment.ProcessId, theirs.ProcessId, azuritePid, Azurite.ConnectionString,
    ours.TablePrefix, argon2Ms, argon2AllCoresMs, rsaMs, clientSecretMs, Path.Combine(Path.GetTempPath(), $"imprivata-bench-{Environment.ProcessId}.jit"), codesOnly);
int driven;
using (JitClock.Publish(orders.JitClockPath))
    driven = await LoadDriver.RunChildAsync(orders, TimeSpan.FromSeconds(265) - total.Elapsed);
File.Delete(orders.JitClockPath);
if (driven is not (LoadDriver.MetExitCode or LoadDriver.MissedExitCode))
{
    Console.Error.WriteLine($"benchmark: the load driver failed (exit code {driven}).");
    return 2;
}

if (codesOnly)
{
    Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s (--codes-only).");
    return 0;
}

// Instrumented run on our side only (driver in this process; not part of the figures above): per-endpoint server time and Azurite round trips.
using var ourDriver = await OidcDriver.ConnectAsync(ours.Target, LoadDriver.Concurrency);
ServerBreakdown.Start(storagePort);
var small = new Scenarios(new LoadRunner(LoadDriver.Concurrency), Budget.Default with { WarmUp = TimeSpan.Zero, Logins = TimeSpan.FromSeconds(4), Redemptions = TimeSpan.FromSeconds(1), RedemptionWarmUpRounds = 1 });
await small.LoginsAsync(ourDriver);
await small.RedemptionsAsync(ourDriver);
await small.DiscoveryAsync(ourDriver);
var breakdown = ServerBreakdown.Stop();
Report.Breakdown(breakdown, ServerBreakdown.TableCallsByEndpoint, argon2Ms);

Console.WriteLine();
Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s. Targets {(driven == LoadDriver.MetExitCode ? "met" : "missed")}.");
return 0;

static int TablePortOf(string connectionString)
{
    var endpoint = connectionString.Split(';').First(p => p.StartsWith("TableEndpoint=", StringComparison.Ordinal))["TableEndpoint=".Length..];
    return new Uri(endpoint).Port;
}
