using Amqp;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>One way of proving the edge's right to use the entities: SAS over SASL PLAIN, or an Entra token over CBS.</summary>
internal interface IServiceBusAuthorization
{
    /// <summary>A short name for logs and errors ("SAS rule 'edge-send'", "Entra token"): never a secret.</summary>
    string Description { get; }

    /// <summary>The address to connect to (SASL PLAIN credentials travel in it) with the factory's SASL profile set.</summary>
    Address Prepare(ConnectionFactory factory);

    /// <summary>Authorizes the entities on a freshly opened connection, before any link to them is attached.</summary>
    Task<IAuthorizationLease> AuthorizeAsync(Connection connection, IReadOnlyList<string> entities, CancellationToken ct);
}

/// <summary>What a connection's authorization needs later: nothing (SAS), or renewing the token before it expires (CBS).</summary>
internal interface IAuthorizationLease
{
    /// <summary>When to call <see cref="RenewAsync"/>; null when the authorization lasts as long as the connection.</summary>
    DateTimeOffset? RenewAt { get; }

    Task RenewAsync(CancellationToken ct);
}
