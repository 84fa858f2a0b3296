using System.Net;
using System.Net.Sockets;
using Imprivata.RadiusEdge.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Listener;

/// <summary>
/// Network I/O only: receives datagrams on the RADIUS port and sends replies. Each datagram is copied (at most 4096
/// octets: RFC 2865 §3) and handled on its own task, with a bound on how many are handled at once.
/// </summary>
public sealed class UdpListener(IOptions<EdgeOptions> options, IServiceProvider services, ILogger<UdpListener> logger)
    : BackgroundService, IReplySender
{
    private const int MaxConcurrent = 512;
    private readonly SemaphoreSlim _slots = new(MaxConcurrent);
    private Socket? _socket;

    public IPEndPoint? LocalEndPoint { get; private set; }
    public bool Listening { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var address = IPAddress.Parse(o.ListenAddress);
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            _socket.DualMode = true;
        _socket.Bind(new IPEndPoint(address, o.Port));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Listening = true;
        logger.LogInformation("RADIUS listener on udp/{EndPoint}", LocalEndPoint);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handler = (RequestHandler)services.GetService(typeof(RequestHandler))!;
        var buffer = new byte[Protocol.RadiusPacket.MaxLength];
        EndPoint any = new IPEndPoint(_socket!.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!stoppingToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Oversized datagrams (MessageSize) and ICMP errors (ConnectionReset) must not stop the listener.
                logger.LogDebug("Receive error {Error}", ex.SocketErrorCode);
                continue;
            }
            var datagram = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            var source = (IPEndPoint)received.RemoteEndPoint;
            await _slots.WaitAsync(stoppingToken);
            _ = HandleAsync(handler, datagram, source, stoppingToken);
        }
        Listening = false;
    }

    private async Task HandleAsync(RequestHandler handler, byte[] datagram, IPEndPoint source, CancellationToken ct)
    {
        try
        {
            await handler.HandleAsync(datagram, source, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // A bug must never take the listener down; the request simply gets no answer.
            logger.LogError(ex, "Unhandled error for a datagram from {Source}", source);
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken)
    {
        try
        {
            await _socket!.SendToAsync(datagram, SocketFlags.None, to, cancellationToken);
        }
        catch (SocketException ex)
        {
            logger.LogWarning("Reply to {Destination} not sent: {Error}", to, ex.SocketErrorCode);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Listening = false;
        _socket?.Dispose();
    }
}
