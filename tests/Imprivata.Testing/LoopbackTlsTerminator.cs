namespace Imprivata.Testing;

/// <summary>Plays TLS termination for the test: the listener is plain http on loopback.</summary>
internal sealed class LoopbackTlsTerminator : DelegatingHandler
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct) => base.Send(Downgrade(request), ct);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(Downgrade(request), ct);

    private static HttpRequestMessage Downgrade(HttpRequestMessage request)
    {
        if (request.RequestUri is not { Scheme: "https", Host: "127.0.0.1" } uri)
            throw new InvalidOperationException("The test transport only carries requests to the local fake vault.");
        request.RequestUri = new UriBuilder(uri) { Scheme = "http" }.Uri;
        return request;
    }
}
