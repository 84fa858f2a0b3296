using Imprivata.Functions.Infrastructure;
using Microsoft.Extensions.Options;
using System.Net;
using System.Text.Json;
using Imprivata.Core.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>
/// Requests as the Functions host forwards them to the custom handler: plain http on loopback, for a public https origin,
/// with the client's address in the X-Forwarded-For entry Azure's front end appended.
/// </summary>
public sealed class PublicOriginTests
{
    private const string PublicOrigin = "https://idp.example.org";

    [Fact]
    public async Task CustomHandler_HttpsIssuer_ServesOidcOverTheHostsHttpHop()
    {
        await using var host = await StartAsync(customHandler: true);

        using var response = await host.Client.GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var discovery = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(PublicOrigin + "/", discovery.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(PublicOrigin + "/connect/token", discovery.RootElement.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task CustomHandler_ForgedHostHeaders_DoNotChangeTheOrigin()
    {
        await using var host = await StartAsync(customHandler: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.example.net";
        request.Headers.Add("X-Forwarded-Host", "evil.example.net");
        request.Headers.Add("X-Forwarded-Proto", "http");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example.net", body);
    }

    [Fact]
    public async Task Standalone_ForgedHostHeader_DiscoveryNamesTheConfiguredOrigin()
    {
        await using var host = await StartAsync(customHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.example.net";

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example.net", body);
        using var discovery = JsonDocument.Parse(body);
        var configured = host.App.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase.ToString();
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint" })
            Assert.StartsWith(configured, discovery.RootElement.GetProperty(endpoint).GetString());
    }

    [Fact]
    public async Task HttpsOrigin_EveryAnswer_CarriesStrictTransportSecurity()
    {
        await using var host = await StartAsync(customHandler: true);

        using var page = await host.Client.GetAsync("/login");
        using var discovery = await host.Client.GetAsync("/.well-known/openid-configuration");

        Assert.Equal("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("max-age=31536000", discovery.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task HttpOrigin_NoStrictTransportSecurity()
    {
        await using var host = await StartAsync(customHandler: false);

        using var page = await host.Client.GetAsync("/login");

        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task HttpsIssuer_AnAppsHttpRedirectUri_IsRefusedOnTheErrorPage_HttpsOneGoesOn()
    {
        await using var host = await StartAsync(customHandler: true);
        // Registered before loopback http was refused for web apps (straight into the registry, as old data would be).
        var registry = host.App.Services.GetRequiredService<Imprivata.Functions.Oidc.IOidcClientRegistry>();
        await registry.CreateAsync("legacy-app", "Legacy", [new Uri("http://127.0.0.1:8400/cb"), new Uri("https://rp.example.org/cb")], [], default);
        await registry.CreateAsync("legacy-one", "Legacy, one address", [new Uri("http://127.0.0.1:8401/cb")], [], default);
        using var client = NoRedirects(host);

        using var refused = await client.GetAsync(Authorize("legacy-app", "openid", "http://127.0.0.1:8400/cb"));
        // Without redirect_uri (allowed without openid), OpenIddict takes the app's only registered one: still refused.
        using var defaulted = await client.GetAsync(Authorize("legacy-one", "profile", redirect: null));
        using var allowed = await client.GetAsync(Authorize("legacy-app", "openid", "https://rp.example.org/cb"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("over https only", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, defaulted.StatusCode);
        Assert.Contains("over https only", await defaulted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.StartsWith("/login?", allowed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task HttpsIssuer_LogoutToAnAppsHttpAddress_SignsOutOnOurPageInstead()
    {
        await using var host = await StartAsync(customHandler: true);
        var registry = host.App.Services.GetRequiredService<Imprivata.Functions.Oidc.IOidcClientRegistry>();
        await registry.CreateAsync("legacy-app", "Legacy", [new Uri("https://rp.example.org/cb")], [new Uri("http://127.0.0.1:8400/bye")], default);
        using var client = NoRedirects(host);

        using var logout = await client.GetAsync("/connect/logout?client_id=legacy-app&state=xyz&post_logout_redirect_uri=" + Uri.EscapeDataString("http://127.0.0.1:8400/bye"));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.EndsWith(Imprivata.Functions.Oidc.EndSessionEndpoint.SignedOutPath, logout.Headers.Location!.OriginalString);
    }

    private static HttpClient NoRedirects(ServiceAppHost host) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Client.BaseAddress };

    private static string Authorize(string clientId, string scope, string? redirect) =>
        $"/connect/authorize?client_id={clientId}&response_type=code&scope={scope}&code_challenge_method=S256" +
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSMtw-cM" + (redirect is null ? "" : "&redirect_uri=" + Uri.EscapeDataString(redirect));

    [Fact]
    public async Task CustomHandler_AuditNamesTheClientFromTheLastForwardedEntry()
    {
        await using var host = await StartAsync(customHandler: true);

        // An unknown client_id is refused on our error page and audited. The client wrote the first entry itself.
        var ip = await AuditedIpAsync(host, "198.51.100.66, 203.0.113.7");

        Assert.Equal("203.0.113.7", ip);
    }

    [Fact]
    public async Task Standalone_ForwardedForIsIgnored_AuditNamesTheConnection()
    {
        await using var host = await StartAsync(customHandler: false);

        var ip = await AuditedIpAsync(host, "203.0.113.7");

        Assert.Equal("127.0.0.1", ip);
    }

    private static async Task<string?> AuditedIpAsync(ServiceAppHost host, string forwardedFor)
    {
        var clientId = "unknown-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/connect/authorize?client_id={clientId}&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Frp.example.org%2Fcb");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var audit = host.App.Services.GetRequiredService<IAuditLog>();
        await foreach (var e in audit.QueryAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None))
            if (e.ClientId == clientId)
                return e.Ip;
        throw new Xunit.Sdk.XunitException("The refused request wrote no audit event.");
    }

    private static Task<ServiceAppHost> StartAsync(bool customHandler) =>
        ServiceAppHost.StartAsync(customHandler, builder =>
        {
            if (customHandler)
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Imprivata:PublicBaseUrl"] = PublicOrigin });
        });
}
