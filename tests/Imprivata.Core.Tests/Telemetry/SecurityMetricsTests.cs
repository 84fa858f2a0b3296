using System.Diagnostics.Metrics;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Telemetry;

namespace Imprivata.Core.Tests.Telemetry;

public sealed class SecurityMetricsTests : IDisposable
{
    private readonly Meter _meter = new(SecurityMetrics.MeterName);
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly SecurityMetrics _metrics;

    public SecurityMetricsTests()
    {
        // This test's own meter instance only: other tests' meters of the same name stay out.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
        _metrics = new SecurityMetrics(_meter);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
            copy[tag.Key] = tag.Value;
        lock (_measurements)
            _measurements.Add((instrument.Name, value, copy));
    }

    [Fact]
    public void AnotherMeter_IsRefused()
    {
        using var other = new Meter("Something.Else");
        Assert.Throws<ArgumentException>(() => new SecurityMetrics(other));
    }

    [Fact]
    public void SignIn_CarriesSurfaceResultAndReason()
    {
        _metrics.SignIn(SecurityMetrics.Surfaces.Web, AuditReasons.Ok);
        _metrics.SignIn(SecurityMetrics.Surfaces.Console, AuditReasons.BadCredentials);

        Assert.Collection(_measurements,
            m => Assert.Equal((SecurityMetrics.SignIns, "web", "success", "ok"), (m.Instrument, m.Tags["surface"], m.Tags["result"], m.Tags["reason"])),
            m => Assert.Equal((SecurityMetrics.SignIns, "console", "failure", "bad_credentials"), (m.Instrument, m.Tags["surface"], m.Tags["result"], m.Tags["reason"])));
    }

    [Fact]
    public void AThrottledSignIn_IsAlsoThePasswordThrottleHolding()
    {
        _metrics.SignIn(SecurityMetrics.Surfaces.Web, AuditReasons.Throttled);

        var throttled = Assert.Single(_measurements, m => m.Instrument == SecurityMetrics.Throttled);
        Assert.Equal(("password", "web"), (throttled.Tags["throttle"], throttled.Tags["surface"]));
    }

    [Theory]
    [InlineData("jane.doe@example.org")]
    [InlineData("10.0.0.1:443 ")]
    [InlineData("Jane")]
    [InlineData("a-reason-code-that-is-far-too-long-to-be-a-reason")]
    [InlineData("")]
    public void AValueOutsideTheCodeVocabulary_IsCountedAsOther(string value)
    {
        _metrics.SignIn(value, value);

        var signIn = Assert.Single(_measurements, m => m.Instrument == SecurityMetrics.SignIns);
        Assert.Equal((SecurityMetrics.Other, SecurityMetrics.Other), (signIn.Tags["surface"], signIn.Tags["reason"]));
    }

    [Fact]
    public void SecondFactor_PushLatency_Throttle_AndRadius_CarryTheirDimensions()
    {
        _metrics.SecondFactor(Factor.OtpToken, "bad_credentials");
        _metrics.PushDecided("approved", TimeSpan.FromSeconds(4.5));
        _metrics.ThrottleHeld(SecurityMetrics.Throttles.PushRate);
        _metrics.RadiusDecided(SecurityMetrics.RadiusDecisionNames.Reject, AuditReasons.BadCredentials);

        Assert.Collection(_measurements,
            m => Assert.Equal((SecurityMetrics.SecondFactors, "otp", "failure"), (m.Instrument, m.Tags["factor"], m.Tags["result"])),
            m => Assert.Equal((SecurityMetrics.PushDecisionDuration, 4.5, "approved"), (m.Instrument, m.Value, m.Tags["outcome"])),
            m => Assert.Equal((SecurityMetrics.Throttled, "push_rate", false), (m.Instrument, m.Tags["throttle"], m.Tags.ContainsKey("surface"))),
            m => Assert.Equal((SecurityMetrics.RadiusDecisions, "reject", "bad_credentials"), (m.Instrument, m.Tags["decision"], m.Tags["reason"])));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }
}
