using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Mfa.Push;
using Imprivata.Demo.Lan;
using Imprivata.Demo.Seed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Imprivata.Demo.Tests.Lan;

/// <summary>
/// ./run.sh --lan, with the LAN address set to 127.0.0.1 so that every request of the test stays on loopback: the same
/// code path as a phone on the Wi-Fi, minus the Wi-Fi.
/// </summary>
public sealed class LanDemoTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("imp-demo-lan-").FullName;
    private TestService _service = null!;
    private Uri _origin = null!;

    public async Task InitializeAsync()
    {
        _service = await TestService.StartAsync(new Dictionary<string, string?>
        {
            [DemoApp.SeedKey] = "true",
            [DemoApp.FolderKey] = _folder,
            [LanDemo.EnabledKey] = "true",
            [LanDemo.AddressKey] = "127.0.0.1",
        }, build: DemoApp.Build);
        _origin = _service.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase;
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private X509Certificate2 Authority => X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_folder, "lan", LanCertificates.AuthorityFile));

    /// <summary>A client like a phone that installed the demo's authority: it trusts that authority alone, and checks the name.</summary>
    private HttpClient TrustingClient()
    {
        var authority = Authority;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                        return false; // a name mismatch is never forgiven
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = _origin };
    }

    [Fact]
    public void Lan_PublicBaseUrl_IsHttpsOnTheLanAddressAndPort()
    {
        Assert.Equal($"https://127.0.0.1:{_service.BaseUri.Port}/", _origin.ToString());
        Assert.Equal(_origin.ToString().TrimEnd('/'), File.ReadAllText(Path.Combine(_folder, "public-url")));
    }

    [Fact]
    public async Task Lan_ServesHttpsWithTheDemoCertificate_ToAClientTrustingTheDemoAuthority()
    {
        using var client = TrustingClient();

        using var health = await client.GetAsync("/health");
        using var metadata = await client.GetAsync("/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var issuer = JsonDocument.Parse(await metadata.Content.ReadAsStringAsync()).RootElement.GetProperty("issuer").GetString();
        Assert.Equal(_origin.ToString(), issuer);
    }

    [Fact]
    public async Task Lan_ApproverEnrollmentQrCode_NamesTheLanOrigin()
    {
        var demo = (await _service.Services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync(DemoSeed.DemoUsername, CancellationToken.None))!;

        var invite = await _service.Services.GetRequiredService<ApproverInvites>().IssueAsync(demo, CancellationToken.None);

        Assert.StartsWith($"https://127.0.0.1:{_service.BaseUri.Port}/approve/enroll#", invite.Url);
    }

    [Fact]
    public async Task Lan_AuthorityOfferedForAPhoneToInstall_AsDer()
    {
        using var client = TrustingClient();

        using var response = await client.GetAsync(LanDemo.AuthorityPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-x509-ca-cert", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Authority.RawData, await response.Content.ReadAsByteArrayAsync());
    }
}

public class LanAddressChoiceTests
{
    private static IPAddress? Choose(params (string Address, bool Routed)[] candidates) =>
        LanDemo.Choose(candidates.Select(c => (IPAddress.Parse(c.Address), c.Routed)));

    [Fact]
    public void Choose_TheRoutedInterface_BeforeAContainerBridge()
    {
        Assert.Equal(IPAddress.Parse("192.168.1.20"), Choose(("172.17.0.1", false), ("192.168.1.20", true)));
    }

    [Fact]
    public void Choose_PrivateBeforePublic_AmongRoutedOnes()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.5"), Choose(("198.51.100.7", true), ("10.0.0.5", true)));
    }

    [Fact]
    public void Choose_NeverLoopbackLinkLocalOrIPv6_NothingLeftIsNull()
    {
        Assert.Null(Choose(("127.0.0.1", true), ("169.254.3.4", true), ("fe80::1", true), ("2001:db8::5", true)));
    }
}
