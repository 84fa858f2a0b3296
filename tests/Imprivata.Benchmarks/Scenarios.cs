using Imprivata.Benchmarks.Driver;

namespace Imprivata.Benchmarks;

/// <summary>How long each phase runs; small enough that the whole benchmark ends in well under five minutes.</summary>
public sealed record Budget(TimeSpan WarmUp, TimeSpan Metadata, TimeSpan Redemptions, TimeSpan Logins)
{
    // Warm-up: .NET compiles hot methods again (tier 1) in the background for a while into a load. 8 s is the minimum; it
    // goes on while our service is still compiling (measured, see Scenarios.StillCompiling): redemptions needed about 12
    // rounds (14 s) before compiling fell under 3% of the time. Both providers get the same warm-up; node's JIT warms in it too.
    public static readonly Budget Default = new(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));

    /// <summary>Untimed rounds of code generation and redemption before the timed ones (the warm-up of that scenario).</summary>
    public int RedemptionWarmUpRounds { get; init; } = 3;

    /// <summary>How far warm-up may go on past its minimum while our service is still compiling (see Scenarios.StillCompiling).</summary>
    public TimeSpan MaxWarmUp { get; init; } = TimeSpan.FromSeconds(16);
    public int MaxRedemptionWarmUpRounds { get; init; } = 16;
}

/// <summary>The three scenarios, identical for both providers (same driver, same concurrency, same budget).</summary>
public sealed class Scenarios(LoadRunner runner, Budget budget)
{
    private const int MaxOperations = 200_000;
    private Budget Budget => budget;
    private LoadRunner Runner => runner;
    // Codes live 60 s: a batch is generated and redeemed well within that.
    private const int MaxBatches = 40;
    // oidc-provider's in-memory adapter is an LRU of 1000 entries: more outstanding codes (plus their tokens) would be evicted.
    private const int MaxBatch = 300;
    private static readonly TimeSpan CodeLifetimeMargin = TimeSpan.FromSeconds(40);

    private static readonly TimeSpan WarmUpSlice = TimeSpan.FromSeconds(2);
    // Warm-up lengths by scenario, so the provider measured second warms up at least as long as the first did.
    private readonly Dictionary<string, TimeSpan> _warmedUpFor = [];
    private int _redemptionWarmUpRounds;

    /// <summary>Warm-up rounds each provider had before its timed code redemptions (0 before they ran).</summary>
    public int RedemptionWarmUpRoundsRun => _redemptionWarmUpRounds;

    public Task<Measurement> DiscoveryAsync(OidcDriver driver) =>
        TimedAsync("GET openid-configuration", budget.Metadata, () => driver.GetOkAsync(driver.DiscoveryUri));

    public Task<Measurement> JwksAsync(OidcDriver driver) =>
        TimedAsync("GET jwks", budget.Metadata, () => driver.GetOkAsync(driver.JwksUri));

    /// <summary>
    /// .NET recompiles hot methods with full optimisation in the background, and on two shared cores that goes on for
    /// tens of seconds into a new kind of load (a service in production compiles once and then serves for hours). A
    /// measurement of the steady state therefore starts only once our service spends under 3% of the time compiling.
    /// </summary>
    private static bool StillCompiling(params Measurement[] parts) =>
        parts.Sum(p => p.CpuMs.GetValueOrDefault(Report.ServiceJit)) > 0.03 * parts.Sum(p => p.Elapsed.TotalMilliseconds);

    /// <summary>Warm-up (the budget's minimum, longer while our service is still compiling), then the timed run.</summary>
    private async Task<Measurement> TimedAsync(string scenario, TimeSpan duration, Func<Task> operation)
    {
        var spent = TimeSpan.Zero;
        if (budget.WarmUp > TimeSpan.Zero)
        {
            var firstSidesWarmUp = _warmedUpFor.GetValueOrDefault(scenario);
            var warmUp = firstSidesWarmUp > budget.WarmUp ? firstSidesWarmUp : budget.WarmUp;
            var slice = await runner.ForDurationAsync(scenario, TimeSpan.Zero, warmUp, MaxOperations, operation);
            spent = warmUp;
            while (StillCompiling(slice) && spent < budget.WarmUp + budget.MaxWarmUp)
            {
                slice = await runner.ForDurationAsync(scenario, TimeSpan.Zero, WarmUpSlice, MaxOperations, operation);
                spent += WarmUpSlice;
            }
        }
        _warmedUpFor[scenario] = spent;
        return await runner.ForDurationAsync(scenario, TimeSpan.Zero, duration, MaxOperations, operation) with { WarmUp = spent };
    }

    /// <summary>
    /// Code redemptions: codes are made first through /authorize with an established SSO session (untimed), then only
    /// their redemption is timed; batches repeat until the timed total reaches the budget.
    /// </summary>
    public async Task<(Measurement Redeemed, Measurement Generated)> RedemptionsAsync(OidcDriver driver)
    {
        var run = await RedemptionRun.StartAsync(this, driver);
        while (run.WantsMore)
            await run.NextBatchAsync();
        return run.Result;
    }

    /// <summary>
    /// The same on both providers, batch for batch in turn (who goes first alternates), so that this shared machine's
    /// speed, which drifts over seconds, weighs on both sides alike instead of on whichever ran in a slow stretch.
    /// </summary>
    public async Task<((Measurement Redeemed, Measurement Generated) First, (Measurement Redeemed, Measurement Generated) Second)> RedemptionsInTurnAsync(
        OidcDriver first, OidcDriver second)
    {
        var a = await RedemptionRun.StartAsync(this, first);
        var b = await RedemptionRun.StartAsync(this, second);
        for (var round = 0; a.WantsMore || b.WantsMore; round++)
            foreach (var run in round % 2 == 0 ? new[] { a, b } : [b, a])
                if (run.WantsMore)
                    await run.NextBatchAsync();
        return (a.Result, b.Result);
    }

    /// <summary>One provider's redemption phase: warm-up rounds, then timed batches sized to stay inside the code lifetime.</summary>
    private sealed class RedemptionRun
    {
        private readonly Scenarios _scenarios;
        private readonly OidcDriver _driver;
        private readonly System.Net.CookieContainer _jar;
        private readonly List<Measurement> _generated = [];
        private readonly List<Measurement> _redeemed = [];
        private int _batch = 200;
        private TimeSpan _timed;
        private bool _failed;

        private RedemptionRun(Scenarios scenarios, OidcDriver driver, System.Net.CookieContainer jar)
        {
            _scenarios = scenarios;
            _driver = driver;
            _jar = jar;
        }

        /// <summary>
        /// Warm-up rounds: the budget's, more while our service is still compiling (see StillCompiling), and at least
        /// as many as the provider started before had.
        /// </summary>
        public static async Task<RedemptionRun> StartAsync(Scenarios scenarios, OidcDriver driver)
        {
            var run = new RedemptionRun(scenarios, driver, await driver.EstablishSessionAsync());
            var budget = scenarios.Budget;
            var minimum = Math.Max(budget.RedemptionWarmUpRounds, scenarios._redemptionWarmUpRounds);
            var round = 0;
            for (var compiling = true; round < minimum || (compiling && round < budget.MaxRedemptionWarmUpRounds); round++)
            {
                var warm = await scenarios.GenerateAsync(driver, run._jar, round == 0 ? 50 : 200);
                var redeemed = await scenarios.Runner.ForEachAsync("warm-up", warm.Codes, driver.RedeemAsync);
                compiling = StillCompiling(warm.Measurement, redeemed);
            }
            scenarios._redemptionWarmUpRounds = round;
            return run;
        }

        public bool WantsMore => !_failed && _redeemed.Count < MaxBatches && _timed < _scenarios.Budget.Redemptions;

        public (Measurement Redeemed, Measurement Generated) Result =>
            (Merge("code redemption", _redeemed), Merge("authorize w/ SSO -> code", _generated));

        public async Task NextBatchAsync()
        {
            var codes = await _scenarios.GenerateAsync(_driver, _jar, _batch);
            _generated.Add(codes.Measurement);
            var m = await _scenarios.Runner.ForEachAsync("code redemption", codes.Codes, _driver.RedeemAsync);
            _redeemed.Add(m);
            _timed += m.Elapsed;
            _failed = m.Errors > 0;
            // Next batch: about 4 s of redemptions, as long as generating and redeeming it stays inside the code lifetime.
            var byRedemption = m.PerSecond * 4;
            var byLifetime = codes.Measurement.PerSecond * CodeLifetimeMargin.TotalSeconds / 2;
            _batch = (int)Math.Clamp(Math.Min(byRedemption, byLifetime), 50, MaxBatch);
        }
    }

    public Task<Measurement> LoginsAsync(OidcDriver driver) =>
        TimedAsync("password login (complete)", budget.Logins, driver.LoginAsync);

    private async Task<(IssuedCode[] Codes, Measurement Measurement)> GenerateAsync(OidcDriver driver, System.Net.CookieContainer jar, int count)
    {
        var codes = new System.Collections.Concurrent.ConcurrentBag<IssuedCode>();
        var m = await runner.ForEachAsync("code generation", Enumerable.Range(0, count).ToArray(),
            async _ => codes.Add(await driver.AuthorizeAsync(jar, signIn: false)));
        if (m.Errors > 0)
            throw new InvalidOperationException($"{driver.Target.Name}: code generation failed: {m.FirstError}");
        return ([.. codes], m);
    }

    private static Measurement Merge(string scenario, IReadOnlyList<Measurement> parts) => new(
        scenario,
        parts.Sum(p => p.Completed),
        parts.Sum(p => p.Errors),
        TimeSpan.FromTicks(parts.Sum(p => p.Elapsed.Ticks)),
        [.. parts.SelectMany(p => p.LatenciesMs)],
        parts.Select(p => p.FirstError).FirstOrDefault(e => e is not null))
    {
        CpuMs = parts.SelectMany(p => p.CpuMs).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)),
    };
}
