using Amqp;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>SAS rule name and key as SASL PLAIN credentials (RFC 4616): Service Bus checks them when the connection opens.</summary>
internal sealed class SasAuthorization : IServiceBusAuthorization, IAuthorizationLease
{
    private readonly ServiceBusEndpoint _endpoint;
    private readonly string _keyName;
    private readonly string _key;

    public SasAuthorization(ServiceBusEndpoint endpoint, ServiceBusOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SasKeyName) || string.IsNullOrEmpty(options.SasKey))
            throw new InvalidOperationException("RadiusEdge: Bridge:ServiceBus:SasKeyName and SasKey are required when Auth is Sas.");
        // PLAIN sends the key itself: only over TLS, or to a loopback peer (enforced by ServiceBusEndpoint).
        _endpoint = endpoint;
        _keyName = options.SasKeyName;
        _key = options.SasKey;
    }

    public string Description => $"SAS rule '{_keyName}'";

    public Address Prepare(ConnectionFactory factory) => _endpoint.Address(_keyName, _key);

    public Task<IAuthorizationLease> AuthorizeAsync(Connection connection, IReadOnlyList<string> entities, CancellationToken ct) =>
        Task.FromResult<IAuthorizationLease>(this);

    public DateTimeOffset? RenewAt => null;

    public Task RenewAsync(CancellationToken ct) => Task.CompletedTask;
}
