using Imprivata.RadiusEdge.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Logging;

public class LogTextTests
{
    [Fact]
    public void Escape_CrLfAndControlCharacters_StayOnOneLine()
    {
        var escaped = LogText.Escape("nemo\r\nSEND Access-Accept\u0000\u001b[31m\"");

        Assert.Equal("nemo\\r\\nSEND Access-Accept\\u0000\\u001b[31m\\\"", escaped);
        Assert.DoesNotContain('\n', escaped);
    }

    [Fact]
    public void ShouldLog_SameKeyWithinInterval_OnlyOnce()
    {
        var time = new FakeTimeProvider();
        var limiter = new LogRateLimiter(time, TimeSpan.FromSeconds(10));

        Assert.True(limiter.ShouldLog("10.0.0.1"));
        Assert.False(limiter.ShouldLog("10.0.0.1"));
        Assert.True(limiter.ShouldLog("10.0.0.2"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.ShouldLog("10.0.0.1"));
    }
}
