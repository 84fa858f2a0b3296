using Amqp;
using Amqp.Sasl;
using Azure.Core;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>
/// SASL ANONYMOUS, then an Entra access token for <c>https://servicebus.azure.net/.default</c> put on <c>$cbs</c> for each
/// entity (type <c>jwt</c>, name <c>amqp://{namespace}/{entity}</c>). Service Bus closes a connection that has not put a
/// token within 20 s of opening, and stops a link whose token expired: the lease renews ahead of ExpiresOn.
/// </summary>
internal sealed class CbsTokenAuthorization(
    ServiceBusEndpoint endpoint,
    TokenCredential credential,
    ServiceBusOptions options,
    TimeProvider time) : IServiceBusAuthorization
{
    public const string Scope = "https://servicebus.azure.net/.default";

    public string Description => "Entra token (CBS)";

    public Address Prepare(ConnectionFactory factory)
    {
        factory.SASL.Profile = SaslProfile.Anonymous;
        return endpoint.Address();
    }

    public async Task<IAuthorizationLease> AuthorizeAsync(Connection connection, IReadOnlyList<string> entities, CancellationToken ct)
    {
        var cbs = await CbsClient.OpenAsync(connection, options.OperationTimeout, ct);
        var lease = new Lease(this, cbs, entities);
        await lease.RenewAsync(ct);
        return lease;
    }

    /// <summary>Renew <see cref="ServiceBusOptions.TokenRenewBefore"/> ahead of expiry, or at half-life for a short token.</summary>
    internal DateTimeOffset RenewalTime(DateTimeOffset expiresOn)
    {
        var now = time.GetUtcNow();
        var margin = options.TokenRenewBefore;
        var halfLife = (expiresOn - now) / 2;
        return expiresOn - (margin < halfLife ? margin : halfLife);
    }

    /// <summary>A fresh token put for every entity; returns when to do it again.</summary>
    private async Task<DateTimeOffset> PutTokensAsync(CbsClient cbs, IReadOnlyList<string> entities, CancellationToken ct)
    {
        var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), ct);
        foreach (var entity in entities)
            await cbs.PutTokenAsync(token.Token, endpoint.Audience(entity), token.ExpiresOn, ct);
        return RenewalTime(token.ExpiresOn);
    }

    private sealed class Lease(CbsTokenAuthorization owner, CbsClient cbs, IReadOnlyList<string> entities) : IAuthorizationLease
    {
        public DateTimeOffset? RenewAt { get; private set; }

        public async Task RenewAsync(CancellationToken ct) => RenewAt = await owner.PutTokensAsync(cbs, entities, ct);
    }
}
