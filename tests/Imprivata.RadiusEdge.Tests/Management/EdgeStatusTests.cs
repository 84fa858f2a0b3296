using Imprivata.RadiusEdge.Management;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Management;

/// <summary>The heartbeat's error list: bounded as the contract says, and only recent.</summary>
public class EdgeStatusTests
{
    [Fact]
    public void Errors_MoreThanTenAndLong_KeepsTheLastTenCutTo200Characters()
    {
        var status = new EdgeStatus(new FakeTimeProvider());

        for (var i = 0; i < 12; i++)
            status.Error($"error {i} " + new string('x', 300));

        var errors = status.RecentErrors();
        Assert.Equal(EdgeStatus.MaxErrors, errors.Count);
        Assert.Contains("error 2 ", errors[0]);
        Assert.All(errors, e => Assert.Equal(EdgeStatus.MaxErrorLength, e.Length));
    }

    [Fact]
    public void Errors_TheSameAgain_IsCountedOnItsLine()
    {
        var status = new EdgeStatus(new FakeTimeProvider());
        status.Error("config: HTTP 503");

        for (var i = 0; i < 20; i++)
            status.Error("bridge: send timed out");

        var errors = status.RecentErrors();
        Assert.Equal(2, errors.Count);
        Assert.EndsWith("bridge: send timed out (20 times)", errors[1]);
    }

    [Fact]
    public void Errors_OlderThanTheLifetime_AreNoLongerReported()
    {
        var time = new FakeTimeProvider();
        var status = new EdgeStatus(time);
        status.Error("bridge: send timed out");

        time.Advance(EdgeStatus.ErrorLifetime + TimeSpan.FromSeconds(1));
        status.Error("config: HTTP 503");

        Assert.Equal("config: HTTP 503", Assert.Single(status.RecentErrors())[9..]);
    }
}
