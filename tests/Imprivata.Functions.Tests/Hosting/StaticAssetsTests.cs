using System.Net;
using System.Text.RegularExpressions;
using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>Every stylesheet and script is served one way: from the assembly at /assets/&lt;file&gt;.</summary>
public sealed partial class StaticAssetsTests : IAsyncLifetime
{
    private TestService _service = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync();
        _client = new HttpClient { BaseAddress = _service.BaseUri };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public void Names_EveryStylesheetAndScriptOfTheApp()
    {
        Assert.Equal(["admin.css", "approve.css", "approve.js", "eam-post.js", "login.css", "webauthn.js"], StaticAssets.Names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/approve")]
    [InlineData("/console/login")]
    public async Task Page_EveryAssetItLinks_IsServedFromAssets(string page)
    {
        var html = await _client.GetStringAsync(page);
        var links = AssetLink().Matches(html).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            Assert.StartsWith(StaticAssets.PathPrefix, link);
            using var response = await _client.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(link.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Asset_SameETag_NotModified()
    {
        using var first = await _client.GetAsync("/assets/login.css");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/assets/login.css");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await _client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/assets/nothing.css")]
    [InlineData("/assets/approve.html")]
    [InlineData("/assets/..%2Fappsettings.json")]
    public async Task Asset_NotAStylesheetOrScriptOfOurs_NotFound(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex("(?:href|src)=\"(/[^\"]+\\.(?:css|js))\"")]
    private static partial Regex AssetLink();
}
