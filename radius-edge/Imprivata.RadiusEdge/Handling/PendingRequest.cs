using System.Net;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>A request handed to the backend and waiting for its decision.</summary>
public sealed class PendingRequest(string requestId, RequestKey key, IPEndPoint source, NasClient client, RadiusPacket packet,
    string? userName, DateTimeOffset receivedAt, DateTimeOffset deadline)
{
    public string RequestId { get; } = requestId;
    public RequestKey Key { get; } = key;
    public IPEndPoint Source { get; } = source;
    public NasClient Client { get; } = client;
    public RadiusPacket Packet { get; } = packet;
    public string? UserName { get; } = userName;
    public DateTimeOffset ReceivedAt { get; } = receivedAt;
    public DateTimeOffset Deadline { get; set; } = deadline;
    /// <summary>When the first "hold" decision arrived: the hold maximum counts from here.</summary>
    public DateTimeOffset? HoldStartedAt { get; set; }
}
