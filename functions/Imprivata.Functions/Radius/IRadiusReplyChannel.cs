using Imprivata.RadiusEdge.Contract;

namespace Imprivata.Functions.Radius;

/// <summary>
/// Where decisions go back to the edge that asked (its <see cref="Decision.EdgeId"/>): one port, one adapter per bridge
/// transport, chosen by Imprivata:Radius:Bus. <see cref="StorageQueueRadiusReplies"/> writes the edge's reply queue;
/// <see cref="ServiceBus.ServiceBusRadiusReplies"/> sends to the reply entity with the edge id as session id.
/// </summary>
public interface IRadiusReplyChannel
{
    Task SendAsync(Decision decision, CancellationToken ct);
}
