using System.Net;
using System.Net.Sockets;
using System.Text;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Protocol;
using Microsoft.Extensions.Logging;

namespace Imprivata.RadiusEdge.Clients;

/// <summary>An immutable snapshot of the clients, looked up by source address (most specific network wins).</summary>
public sealed class NasClientTable
{
    private readonly NasClient[] _clients;

    private NasClientTable(NasClient[] clients)
    {
        _clients = clients.OrderByDescending(c => c.Network.PrefixLength).ToArray();
        ClientCount = clients.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count();
    }

    public static NasClientTable Empty { get; } = new([]);

    /// <summary>Network entries (a client with several addresses has several).</summary>
    public int Count => _clients.Length;

    /// <summary>RADIUS clients, by name.</summary>
    public int ClientCount { get; }

    public NasClient? Find(IPAddress source)
    {
        if (source.IsIPv4MappedToIPv6)
            source = source.MapToIPv4();
        foreach (var client in _clients)
            if (client.Network.Contains(source))
                return client;
        return null;
    }

    /// <summary>Builds the table; entries that cannot be used are left out and logged (never with their secret).</summary>
    public static NasClientTable Build(IEnumerable<NasClientOptions> entries, ILogger logger)
    {
        var clients = new List<NasClient>();
        foreach (var e in entries)
        {
            if (string.IsNullOrWhiteSpace(e.Name))
            {
                logger.LogError("RADIUS client with address {Address} has no name: ignored", e.Address);
                continue;
            }
            if (!NasSecret.IsAcceptable(e.Secret))
            {
                logger.LogError("RADIUS client {Client}: the shared secret must be {Min} to {Max} characters: client refused",
                    e.Name, NasSecret.MinLength, NasSecret.MaxLength);
                continue;
            }
            if (e.FirstFactor == FirstFactorMode.Ldap && string.IsNullOrWhiteSpace(e.Ldap))
            {
                logger.LogError("RADIUS client {Client}: FirstFactor Ldap needs the name of an Ldap profile: client refused", e.Name);
                continue;
            }
            if (!e.RequireMessageAuthenticator && !e.LimitProxyState)
                logger.LogWarning("RADIUS client {Client} has both 'require Message-Authenticator' and 'limit Proxy-State' off: " +
                                  "it is exposed to BlastRADIUS (CVE-2024-3596) forgeries", e.Name);
            var policy = new ClientPolicy(Encoding.UTF8.GetBytes(e.Secret), e.RequireMessageAuthenticator, e.LimitProxyState);
            var second = SecondPolicy(e, logger);
            foreach (var network in Networks(e, logger))
                clients.Add(new NasClient(e.Name, e.Type, network, policy, e.FirstFactor, e.Ldap, second));
        }
        return new NasClientTable(clients.ToArray());
    }

    private static ClientPolicy? SecondPolicy(NasClientOptions e, ILogger logger)
    {
        if (string.IsNullOrEmpty(e.PreviousSecret))
            return null;
        if (NasSecret.IsAcceptable(e.PreviousSecret))
            return new ClientPolicy(Encoding.UTF8.GetBytes(e.PreviousSecret), e.RequireMessageAuthenticator, e.LimitProxyState);
        logger.LogError("RADIUS client {Client}: the second shared secret must be {Min} to {Max} characters: only the first is used",
            e.Name, NasSecret.MinLength, NasSecret.MaxLength);
        return null;
    }

    private static IEnumerable<IPNetwork> Networks(NasClientOptions e, ILogger logger)
    {
        var address = e.Address.Trim();
        if (IPNetwork.TryParse(address, out var network))
            return [network];
        if (IPAddress.TryParse(address, out var ip))
            return [new IPNetwork(ip, ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)];
        try
        {
            // A hostname is resolved when the list is loaded (and again on every reload).
            return Dns.GetHostAddresses(address)
                .Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)
                .Select(a => new IPNetwork(a, a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
                .ToArray();
        }
        catch (SocketException ex)
        {
            logger.LogError("RADIUS client {Client}: cannot resolve {Address} ({Error}): client ignored", e.Name, address, ex.SocketErrorCode);
            return [];
        }
    }
}
