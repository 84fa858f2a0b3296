using System.Net;
using Imprivata.Demo.Sample;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Imprivata.Demo.Tests.Sample;

public sealed class SampleRelyingPartyTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imp-sample-").FullName;
    private TestService _service = null!;

    public async Task InitializeAsync() => _service = await TestService.StartAsync(new Dictionary<string, string?>
    {
        [DemoApp.SeedKey] = "true",
        [DemoApp.FolderKey] = _folder,
    }, configure: builder =>
        // The provider cannot be reached (as when the sample does not trust its certificate): every call of the sample fails.
        builder.Services.PostConfigure<HttpClientFactoryOptions>(nameof(SampleRelyingParty),
            o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = new UnreachableHandler())),
        build: DemoApp.Build);

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Callback_ProviderUnreachable_SignInFailedPage_Not500()
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _service.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/sample/callback?code=c&state=s&iss={Uri.EscapeDataString(_service.Issuer)}");
        request.Headers.Add("Cookie", "sample-flow=s.n.v");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Sign-in failed</h1>", html);
        Assert.Contains("The provider could not be asked for the token: no route to the provider", html);
    }

    private sealed class UnreachableHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("no route to the provider");
    }
}
