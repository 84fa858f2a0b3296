using System.Net;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>Sends a reply datagram back to a NAS (the UDP listener implements it).</summary>
public interface IReplySender
{
    ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken);
}
