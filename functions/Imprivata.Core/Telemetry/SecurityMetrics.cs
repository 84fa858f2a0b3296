using System.Diagnostics.Metrics;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;

namespace Imprivata.Core.Telemetry;

/// <summary>
/// The counters a security team watches, on the meter <see cref="MeterName"/>: sign-ins, second factors, push latency,
/// throttling and RADIUS decisions. Every dimension is a small fixed vocabulary (a surface, a result, a reason code, a
/// factor name): never a username, an address or an identifier, so no person can be picked out of a metric and a metric's
/// series stay few. A value outside that vocabulary is recorded as <see cref="Other"/>.
/// </summary>
public sealed class SecurityMetrics
{
    public const string MeterName = "Imprivata.Security";
    public const string SignIns = "imprivata.sign_ins";
    public const string SecondFactors = "imprivata.second_factors";
    public const string PushDecisionDuration = "imprivata.push.decision.duration";
    public const string Throttled = "imprivata.throttled";
    public const string RadiusDecisions = "imprivata.radius.decisions";
    public const string Other = "other";
    private const int MaxTagLength = 40;

    private readonly Counter<long> _signIns;
    private readonly Counter<long> _secondFactors;
    private readonly Histogram<double> _pushDecisions;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _radius;

    /// <param name="meter">The <see cref="MeterName"/> meter; the app takes it from its meter factory, a test makes its own.</param>
    public SecurityMetrics(Meter meter)
    {
        if (meter.Name != MeterName)
            throw new ArgumentException($"The security metrics live on the meter {MeterName}.", nameof(meter));
        _signIns = meter.CreateCounter<long>(SignIns, "{attempt}", "Password sign-ins by surface, result and reason.");
        _secondFactors = meter.CreateCounter<long>(SecondFactors, "{attempt}", "Second-factor outcomes by factor, result and reason.");
        _pushDecisions = meter.CreateHistogram<double>(PushDecisionDuration, "s", "Time from sending a push to the device's decision.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120] });
        _throttled = meter.CreateCounter<long>(Throttled, "{refusal}", "Attempts refused because a throttle was holding, by throttle and surface.");
        _radius = meter.CreateCounter<long>(RadiusDecisions, "{decision}", "RADIUS decisions by decision and reason.");
    }

    /// <summary>
    /// A password sign-in decided on <paramref name="surface"/> (<see cref="Surfaces"/>) with an <see cref="AuditReasons"/> code;
    /// one refused as <see cref="AuditReasons.Throttled"/> is also the password throttle holding.
    /// </summary>
    public void SignIn(string surface, string reason)
    {
        _signIns.Add(1, Tag("surface", surface), Result(reason), Tag("reason", reason));
        if (reason == AuditReasons.Throttled)
            ThrottleHeld(Throttles.Password, surface);
    }

    /// <summary>A second factor passed (<see cref="AuditReasons.Ok"/>) or failed with a reason code.</summary>
    public void SecondFactor(Factor factor, string reason) =>
        _secondFactors.Add(1, Tag("factor", factor.Name()), Result(reason), Tag("reason", reason));

    /// <summary>The device decided a push <paramref name="waited"/> after it was sent; <paramref name="outcome"/> is a push reason code.</summary>
    public void PushDecided(string outcome, TimeSpan waited) =>
        _pushDecisions.Record(Math.Max(0, waited.TotalSeconds), Tag("outcome", outcome));

    /// <summary>An attempt refused by <paramref name="throttle"/> (<see cref="Throttles"/>) on <paramref name="surface"/>, when known.</summary>
    public void ThrottleHeld(string throttle, string? surface = null)
    {
        if (surface is null)
            _throttled.Add(1, Tag("throttle", throttle));
        else
            _throttled.Add(1, Tag("throttle", throttle), Tag("surface", surface));
    }

    /// <summary>A RADIUS Access-Request answered with <paramref name="decision"/> (accept, reject, challenge) for a reason code.</summary>
    public void RadiusDecided(string decision, string reason) =>
        _radius.Add(1, Tag("decision", decision), Tag("reason", reason));

    private static KeyValuePair<string, object?> Result(string reason) =>
        new("result", reason == AuditReasons.Ok ? AuditResults.Success : AuditResults.Failure);

    /// <summary>Only short lower-case codes pass; anything else (a name someone passed by mistake) is counted as "other".</summary>
    private static KeyValuePair<string, object?> Tag(string key, string? value) => new(key, IsCode(value) ? value : Other);

    internal static bool IsCode(string? value) =>
        value is { Length: > 0 and <= MaxTagLength } && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');

    /// <summary>Where a sign-in or a throttled attempt happened.</summary>
    public static class Surfaces
    {
        public const string Web = "web";
        public const string Console = "console";
        public const string Radius = "radius";
        public const string Setup = "setup";
    }

    /// <summary>Which throttle held an attempt back.</summary>
    public static class Throttles
    {
        public const string Password = "password";
        public const string SecondFactor = "second_factor";
        public const string PushRate = "push_rate";
        public const string SetupSecret = "setup_secret";
    }

    public static class RadiusDecisionNames
    {
        public const string Accept = "accept";
        public const string Reject = "reject";
        public const string Challenge = "challenge";
    }
}
