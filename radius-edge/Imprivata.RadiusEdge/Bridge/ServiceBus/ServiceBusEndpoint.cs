using System.Net;
using Amqp;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>Where to connect: the namespace over TLS on 5671, or an explicit endpoint; plain AMQP only on loopback.</summary>
internal sealed record ServiceBusEndpoint(string Namespace, string Host, int Port, bool UseTls)
{
    public const int AmqpsPort = 5671;

    public static ServiceBusEndpoint From(ServiceBusOptions options)
    {
        var ns = options.FullyQualifiedNamespace;
        if (string.IsNullOrWhiteSpace(ns) || ns.Contains('/') || ns.Contains(':'))
            throw new InvalidOperationException(
                "RadiusEdge: Bridge:ServiceBus:FullyQualifiedNamespace is required (a host name such as contoso.servicebus.windows.net).");
        if (string.IsNullOrWhiteSpace(options.Endpoint))
            return new ServiceBusEndpoint(ns, ns, AmqpsPort, UseTls: true);

        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            throw new InvalidOperationException("RadiusEdge: Bridge:ServiceBus:Endpoint must be an amqps:// (or loopback amqp://) address.");
        var tls = uri.Scheme == "amqps";
        // Without TLS the SAS key or the Entra token would cross the network in clear: only a loopback peer may be plain.
        if (!tls && !IsLoopback(uri.Host))
            throw new InvalidOperationException("RadiusEdge: Bridge:ServiceBus:Endpoint may use plain amqp:// only for a loopback host.");
        return new ServiceBusEndpoint(ns, uri.Host, uri.Port > 0 ? uri.Port : (tls ? AmqpsPort : 5672), tls);
    }

    /// <summary>The CBS token name (audience) of an entity: <c>amqp://{namespace}/{entity}</c>.</summary>
    public string Audience(string entity) => $"amqp://{Namespace}/{entity}";

    public Address Address(string? user = null, string? password = null) =>
        new(Host, Port, user, password, "/", UseTls ? "amqps" : "amqp");

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
