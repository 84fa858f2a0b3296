using Imprivata.Functions.Admin;

namespace Imprivata.Functions.Tests.Admin;

public sealed class RedirectUriRulesTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/cb")]
    [InlineData("http://localhost/cb")]
    [InlineData("http://[::1]/cb")]
    public void Check_HttpLoopback_OnlyForALocalEvaluation(string uri)
    {
        Assert.Null(RedirectUriRules.Check(uri, allowLoopbackHttp: true, out _));
        Assert.Equal("redirect_uri_not_https", RedirectUriRules.Check(uri, allowLoopbackHttp: false, out _));
    }

    [Theory]
    [InlineData("https://rp.example/cb", null)]
    [InlineData("http://rp.example/cb", "redirect_uri_not_https")]
    [InlineData("https://rp.example/cb#frag", "redirect_uri_fragment")]
    [InlineData("/relative", "redirect_uri_invalid")]
    [InlineData("https://app@evil.example/cb", "redirect_uri_invalid")]
    [InlineData("javascript:alert(1)", "redirect_uri_invalid")]
    [InlineData("https://rp.example/c b", "redirect_uri_invalid")]
    public void Check_Cases(string uri, string? error) => Assert.Equal(error, RedirectUriRules.Check(uri, allowLoopbackHttp: true, out _));

    [Fact]
    public void CheckAll_NoneWhenRequired_IsRejected() =>
        Assert.Equal("redirect_uri_required", RedirectUriRules.CheckAll([" "], required: true, allowLoopbackHttp: false, out _)?.Code);

    [Fact]
    public void CheckAll_BadEntry_NamesItsLineCountingBlankLines()
    {
        var error = RedirectUriRules.CheckAll(["https://rp.example/a", "", "http://rp.example/b", "https://rp.example/c#x"], required: true, allowLoopbackHttp: false, out _);

        Assert.Equal(new FieldError("redirect_uri_not_https", Line: 3), error);
    }
}
