using System.Diagnostics;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Tests.Telemetry;

public sealed class QueryRedactionTests
{
    [Theory]
    [InlineData("https://idp.example/connect/token?code=abc&state=x", "https://idp.example/connect/token?code=Redacted&state=Redacted")]
    [InlineData("/connect/authorize?id_token_hint=eyJ&flag", "/connect/authorize?id_token_hint=Redacted&flag=Redacted")]
    [InlineData("https://idp.example/x?token=abc#frag", "https://idp.example/x?token=Redacted")]
    [InlineData("https://idp.example/no-query", "https://idp.example/no-query")]
    public void Redact_KeepsNames_ReplacesEveryValue(string url, string expected) =>
        Assert.Equal(expected, QueryRedaction.Redact(url));

    [Fact]
    public void TheProcessor_RewritesEveryUrlTagOfAFinishedSpan()
    {
        using var activity = new Activity("test");
        activity.SetTag("url.query", "code=abc");
        activity.SetTag("url.full", "https://idp.example/cb?code=abc");
        activity.SetTag("http.url", "https://idp.example/cb?token=abc");
        activity.SetTag("http.target", "/cb?id_token_hint=abc");
        activity.SetTag("url.path", "/cb");

        new QueryRedactionProcessor().OnEnd(activity);

        Assert.Equal("?code=Redacted", activity.GetTagItem("url.query"));
        Assert.Equal("https://idp.example/cb?code=Redacted", activity.GetTagItem("url.full"));
        Assert.Equal("https://idp.example/cb?token=Redacted", activity.GetTagItem("http.url"));
        Assert.Equal("/cb?id_token_hint=Redacted", activity.GetTagItem("http.target"));
        Assert.Equal("/cb", activity.GetTagItem("url.path"));
    }
}
