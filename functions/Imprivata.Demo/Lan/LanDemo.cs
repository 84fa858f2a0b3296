using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Imprivata.Demo.Sample;
using Imprivata.Functions.Hosting;

namespace Imprivata.Demo.Lan;

/// <summary>
/// The demo served to a phone on the same network (<c>./run.sh --lan</c>, setting Imprivata:Demo:Lan): https on the
/// machine's LAN address with the demo's own certificate (<see cref="LanCertificates"/>), and that address as the public
/// base URL, so the approver's enrollment QR code names a place the phone reaches and its WebCrypto runs (browsers give it
/// to secure contexts only). Nothing listens on loopback then: every device, this machine included, uses the one origin.
/// </summary>
/// <param name="AuthorityCertificate">DER, offered at <see cref="AuthorityPath"/> for a phone to install.</param>
public sealed record LanDemo(byte[] AuthorityCertificate)
{
    public const string EnabledKey = "Imprivata:Demo:Lan";
    /// <summary>The address to serve on; without it, the first LAN address (IPv4, with a gateway, private before public).</summary>
    public const string AddressKey = "Imprivata:Demo:LanAddress";
    public const string AuthorityPath = SampleSetup.Path + "/ca.crt";

    /// <summary>Before the hosting layer reads "urls": the LAN origin replaces the loopback default.</summary>
    public static void Configure(WebApplicationBuilder builder, HostingMode mode)
    {
        var configuration = builder.Configuration;
        if (!configuration.GetValue<bool>(EnabledKey))
            return;
        var address = AddressFrom(configuration[AddressKey]);
        var names = HostNamesOfThisMachine();
        var folder = Path.Combine(DemoApp.Folder(configuration), "lan");
        var (authority, server) = new LanCertificates(folder, TimeProvider.System).Ensure(address, names);
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var origin = $"https://{host}:{mode.Port.ToString(CultureInfo.InvariantCulture)}";

        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = origin,
            ["Imprivata:PublicBaseUrl"] = origin,
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = server));
        builder.Services.AddSingleton(new LanDemo(authority.RawData));
    }

    /// <summary>For the sample's own calls to the provider: certificates chaining to the demo authority, for the right name.</summary>
    public SocketsHttpHandler TrustingHandler()
    {
        var authority = X509CertificateLoader.LoadCertificate(AuthorityCertificate);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    // Only the chain is ours to judge; a name mismatch (or no certificate) stays an error.
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                        return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return chain.Build(presented);
                },
            },
        };
    }

    private static IPAddress AddressFrom(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return IPAddress.TryParse(configured.Trim(), out var parsed) && !parsed.Equals(IPAddress.Any) && !parsed.Equals(IPAddress.IPv6Any)
                ? parsed
                : throw new InvalidOperationException($"{AddressKey} is not an address of this machine to serve on: '{configured}'.");
        }
        return DetectAddress()
            ?? throw new InvalidOperationException($"No LAN address found to serve the demo on: connect to a network, or name one ({AddressKey}, ./run.sh --lan ADDRESS).");
    }

    /// <summary>Read from the network interfaces; nothing is sent.</summary>
    private static IPAddress? DetectAddress() =>
        Choose(NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType is not (NetworkInterfaceType.Loopback or NetworkInterfaceType.Tunnel))
            .SelectMany(n =>
            {
                var properties = n.GetIPProperties();
                var routed = properties.GatewayAddresses.Any(g => g.Address.AddressFamily == AddressFamily.InterNetwork && !g.Address.Equals(IPAddress.Any));
                return properties.UnicastAddresses.Select(u => (u.Address, routed));
            }));

    /// <summary>
    /// The address a phone on the same Wi-Fi most likely reaches: IPv4 (what phones on a home or office network are sure to
    /// have), not loopback or link-local; an interface with a gateway (the Wi-Fi or Ethernet) before one without (a
    /// container bridge); a private (RFC 1918) address before a public one.
    /// </summary>
    public static IPAddress? Choose(IEnumerable<(IPAddress Address, bool Routed)> candidates) =>
        candidates
            .Where(c => c.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(c.Address) && !IsLinkLocal(c.Address))
            .OrderByDescending(c => c.Routed)
            .ThenByDescending(c => IsPrivate(c.Address))
            .Select(c => c.Address)
            .FirstOrDefault();

    /// <summary>The host name and its mDNS form, for whoever types a name instead of the address.</summary>
    private static IReadOnlyList<string> HostNamesOfThisMachine()
    {
        var name = Dns.GetHostName().Trim().TrimEnd('.').ToLowerInvariant();
        if (Uri.CheckHostName(name) != UriHostNameType.Dns || name == "localhost")
            return [];
        return name.Contains('.', StringComparison.Ordinal) ? [name] : [name, name + ".local"];
    }

    private static bool IsLinkLocal(IPAddress a) => a.GetAddressBytes() is [169, 254, _, _];

    /// <summary>RFC 1918 ranges: where a home or office Wi-Fi puts its devices.</summary>
    private static bool IsPrivate(IPAddress a) => a.GetAddressBytes() switch
    {
        [10, _, _, _] => true,
        [172, >= 16 and <= 31, _, _] => true,
        [192, 168, _, _] => true,
        _ => false,
    };
}
