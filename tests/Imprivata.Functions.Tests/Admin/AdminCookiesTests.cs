using Imprivata.Functions.Admin;
using Imprivata.Functions.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Tests.Admin;

public sealed class AdminCookiesTests
{
    private static AdminCookies For(string baseUrl) => new(Options.Create(new ServiceOptions { PublicBaseUrl = baseUrl }));

    [Fact]
    public void Https_UsesHostPrefixSecureStrict()
    {
        var cookies = For("https://idp.example.org");
        Assert.Equal("__Host-imp-admin", cookies.SessionName);
        var options = cookies.Options();
        Assert.True(options.Secure && options.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, options.SameSite);
        Assert.Equal("/", options.Path);
        Assert.Null(options.Domain);
    }

    [Fact]
    public void LocalHttp_DropsPrefixAndSecure()
    {
        var cookies = For("http://127.0.0.1:7071");
        Assert.Equal("imp-admin", cookies.SessionName);
        Assert.False(cookies.Options().Secure);
    }
}
