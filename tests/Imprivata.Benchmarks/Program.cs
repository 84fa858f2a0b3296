// Figures side by side with oidc-provider (npm): metadata requests, code redemptions, complete password logins.
// Not a test: run ./bench.sh (Release). Stops by itself; a watchdog ends it if anything hangs.
using System.Diagnostics;
using System.Runtime.InteropServices;
using Imprivata.Benchmarks;
using Imprivata.Benchmarks.Driver;
using Imprivata.Benchmarks.Profiling;
using Imprivata.Benchmarks.Targets;
using Imprivata.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

const int Concurrency = 8;
var total = Stopwatch.StartNew();
using var watchdog = new Timer(_ =>
{
    Console.Error.WriteLine("benchmark: still running after 280 s; stopping (limit 5 minutes).");
    Environment.Exit(3);
}, null, TimeSpan.FromSeconds(280), Timeout.InfiniteTimeSpan);

var redirectUri = new Uri("http://127.0.0.1:9/callback");
const string Username = "bench.user";
var password = "Bench-" + Pkce.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

Console.WriteLine($"Imprivata benchmark: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
                  $"server GC {System.Runtime.GCSettings.IsServerGC}");
Console.WriteLine($"Driver: one HttpClient (SocketsHttpHandler, keep-alive, loopback) per provider, {Concurrency} concurrent workers, " +
                  $"warm-up {Budget.Default.WarmUp.TotalSeconds:0} s ({Budget.Default.RedemptionWarmUpRounds} untimed rounds before redemptions); driver, Azurite, node and our service share this machine's cores.");

var argon2Ms = CryptoCosts.Argon2idVerifyMs();
var argon2AllCoresMs = CryptoCosts.Argon2idVerifyMsAllCores();
var rsaMs = CryptoCosts.Rsa2048SignMs();

Console.WriteLine("Starting our service (in process, Azurite tables) and oidc-provider (node) ...");
await using var ours = await OurService.StartAsync(redirectUri, Username, password);
using var theirs = await OidcProviderProcess.StartAsync(redirectUri, Username, password);
Console.WriteLine($"  ours: {ours.Target.Issuer} (persists to Azurite)");
Console.WriteLine($"  oidc-provider {theirs.Version} on node {theirs.NodeVersion}: {theirs.Target.Issuer} (in-memory adapter; plain-text password " +
                  "compare, NO password hashing; opaque access tokens, only the ID token is signed)");
var clientSecretMs = await CryptoCosts.ClientSecretCheckMsAsync(ours.Services.GetRequiredService<IOpenIddictApplicationManager>(),
    ours.Target.ClientId, ours.Target.ClientSecret);

using var ourDriver = await OidcDriver.ConnectAsync(ours.Target, Concurrency);
using var theirDriver = await OidcDriver.ConnectAsync(theirs.Target, Concurrency);
var storagePort = TablePortOf(Azurite.ConnectionString);
var processes = new Dictionary<string, int> { [Report.SelfProcess] = Environment.ProcessId, [Report.NodeProcess] = theirs.ProcessId };
if (CpuMeter.FindProcess("--tablePort", storagePort.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } azuritePid)
    processes[Report.AzuriteProcess] = azuritePid;
var scenarios = new Scenarios(new LoadRunner(Concurrency, new CpuMeter(processes)), Budget.Default);

// Each scenario runs on our side then on theirs, back to back, so background load on the machine hits both alike.
async Task<(Measurement Ours, Measurement Theirs)> BothAsync(Func<OidcDriver, Task<Measurement>> scenario)
{
    var a = await scenario(ourDriver);
    Console.WriteLine($"  {a.Scenario} / ours: {Report.F(a.PerSecond)}/s ({total.Elapsed.TotalSeconds:0} s elapsed)");
    var b = await scenario(theirDriver);
    Console.WriteLine($"  {b.Scenario} / oidc-provider: {Report.F(b.PerSecond)}/s ({total.Elapsed.TotalSeconds:0} s elapsed)");
    return (a, b);
}

var discovery = await BothAsync(scenarios.DiscoveryAsync);
var jwks = await BothAsync(scenarios.JwksAsync);
var generation = default(Measurement)!;
var theirGeneration = default(Measurement)!;
var redemptions = await BothAsync(async d =>
{
    var (redeemed, generated) = await scenarios.RedemptionsAsync(d);
    if (ReferenceEquals(d, ourDriver)) generation = generated; else theirGeneration = generated;
    return redeemed;
});
var logins = await BothAsync(scenarios.LoginsAsync);

Report.Table([discovery, jwks, redemptions, logins, (generation, theirGeneration)]);
Console.WriteLine("  (authorize w/ SSO -> code = GET /authorize with an SSO session cookie -> redirect with a code; untimed setup of the redemption phase)");
Console.WriteLine("  (password login = authorize -> login page GET -> POST username/password -> authorize -> code -> token, fresh cookie jar each)");
Report.Cpu([discovery, jwks, redemptions, logins]);
var storage = await StorageCosts.MeasureAsync(ours.Services.GetRequiredService<Imprivata.Storage.Tables.TableSet>(),
    new LoadRunner(Concurrency, new CpuMeter(processes)), 2000);
Report.Costs(argon2Ms, argon2AllCoresMs, rsaMs, clientSecretMs, storage.Read, storage.Upsert);
var met = Report.Targets(redemptions.Ours, redemptions.Theirs, logins.Ours, logins.Theirs);

// Instrumented run on our side only: per-endpoint server time and Azurite round trips.
ServerBreakdown.Start(storagePort);
var small = new Scenarios(new LoadRunner(Concurrency), Budget.Default with { WarmUp = TimeSpan.Zero, Logins = TimeSpan.FromSeconds(4), Redemptions = TimeSpan.FromSeconds(1), RedemptionWarmUpRounds = 1 });
await small.LoginsAsync(ourDriver);
await small.RedemptionsAsync(ourDriver);
await small.DiscoveryAsync(ourDriver);
var breakdown = ServerBreakdown.Stop();
Report.Breakdown(breakdown, ServerBreakdown.TableCallsByEndpoint, argon2Ms);

Console.WriteLine();
Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0} s. Targets {(met ? "met" : "missed")}.");
return 0;

static int TablePortOf(string connectionString)
{
    var endpoint = connectionString.Split(';').First(p => p.StartsWith("TableEndpoint=", StringComparison.Ordinal))["TableEndpoint=".Length..];
    return new Uri(endpoint).Port;
}
