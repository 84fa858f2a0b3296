using Imprivata.Functions.Admin;

namespace Imprivata.Tests.Admin;

public sealed class RedirectUriRulesTests
{
    [Theory]
    [InlineData("https://rp.example/cb", null)]
    [InlineData("http://127.0.0.1:8080/cb", null)]
    [InlineData("http://localhost/cb", null)]
    [InlineData("http://[::1]/cb", null)]
    [InlineData("http://rp.example/cb", "redirect_uri_not_https")]
    [InlineData("https://rp.example/cb#frag", "redirect_uri_fragment")]
    [InlineData("/relative", "redirect_uri_invalid")]
    [InlineData("https://app@evil.example/cb", "redirect_uri_invalid")]
    [InlineData("javascript:alert(1)", "redirect_uri_invalid")]
    [InlineData("https://rp.example/c b", "redirect_uri_invalid")]
    public void Check_Cases(string uri, string? error) => Assert.Equal(error, RedirectUriRules.Check(uri, out _));

    [Fact]
    public void CheckAll_NoneWhenRequired_IsRejected() =>
        Assert.Equal("redirect_uri_required", RedirectUriRules.CheckAll([" "], required: true, out _));
}
