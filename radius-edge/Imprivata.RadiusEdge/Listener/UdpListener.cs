using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Imprivata.RadiusEdge.Handling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Imprivata.RadiusEdge.Listener;

/// <summary>
/// Network I/O only: receives datagrams on the RADIUS port and sends replies. A few dedicated threads block in
/// recvfrom (FreeRADIUS' model): each copies the datagram (at most 4096 octets, RFC 2865 §3) into a pooled buffer and
/// starts its handling, which for a retransmission of an answered request runs to the end on that thread (no
/// thread-pool hop, no allocation for the source address). A bound limits how many are handled at once.
/// </summary>
public sealed class UdpListener(IOptions<EdgeOptions> options, IServiceProvider services, ILogger<UdpListener> logger)
    : BackgroundService, IReplySender
{
    private const int MaxConcurrent = 512;
    // The receive threads wake up this often when idle, to notice the stop.
    private const int ReceiveTimeoutMs = 500;
    private readonly SemaphoreSlim _slots = new(MaxConcurrent);
    private Socket? _socket;
    private IPEndPoint? _any;

    public IPEndPoint? LocalEndPoint { get; private set; }
    public bool Listening { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var address = IPAddress.Parse(o.ListenAddress);
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            _socket.DualMode = true;
        // Blocking (no async operation is ever started on it) with a timeout, so that idle threads still see the stop.
        _socket.ReceiveTimeout = ReceiveTimeoutMs;
        _socket.Bind(new IPEndPoint(address, o.Port));
        _any = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Listening = true;
        logger.LogInformation("RADIUS listener on udp/{EndPoint}", LocalEndPoint);
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handler = (RequestHandler)services.GetService(typeof(RequestHandler))!;
        var count = options.Value.ReceiveThreads > 0 ? options.Value.ReceiveThreads : Math.Clamp(Environment.ProcessorCount, 1, 4);
        var receivers = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() =>
            {
                try
                {
                    Receive(handler, stoppingToken);
                    done.SetResult();
                }
                catch (Exception ex)
                {
                    done.SetException(ex);
                }
            }) { IsBackground = true, Name = $"radius-receive-{i}" }.Start();
            receivers[i] = done.Task;
        }
        return StoppedAsync(receivers);
    }

    private async Task StoppedAsync(Task[] receivers)
    {
        try
        {
            await Task.WhenAll(receivers);
        }
        finally
        {
            Listening = false;
        }
    }

    private void Receive(RequestHandler handler, CancellationToken stoppingToken)
    {
        var socket = _socket!;
        var buffer = new byte[Protocol.RadiusPacket.MaxLength];
        var from = new SocketAddress(socket.AddressFamily); // reused: the source is copied into an IPEndPoint below
        while (!stoppingToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue;
            }
            catch (SocketException ex) when (!stoppingToken.IsCancellationRequested && ex.SocketErrorCode is
                                                 SocketError.MessageSize or SocketError.ConnectionReset or SocketError.NoBufferSpaceAvailable)
            {
                // Oversized datagrams (MessageSize) and ICMP errors (ConnectionReset) must not stop the listener.
                logger.LogDebug("Receive error {Error}", ex.SocketErrorCode);
                continue;
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is SocketException or ObjectDisposedException)
            {
                break;
            }
            var source = (IPEndPoint)_any!.Create(from);
            var datagram = ArrayPool<byte>.Shared.Rent(length);
            buffer.AsSpan(0, length).CopyTo(datagram);
            try
            {
                _slots.Wait(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                ArrayPool<byte>.Shared.Return(datagram);
                break;
            }
            _ = HandleAsync(handler, datagram, length, source, stoppingToken);
        }
    }

    private async Task HandleAsync(RequestHandler handler, byte[] datagram, int length, IPEndPoint source, CancellationToken ct)
    {
        try
        {
            // The handler copies what it keeps (the codec copies the packet), so the pooled buffer goes back afterwards.
            await handler.HandleAsync(datagram.AsMemory(0, length), source, ct);
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
            ArrayPool<byte>.Shared.Return(datagram);
            _slots.Release();
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken)
    {
        // A UDP send never waits for the peer: the synchronous call is one sendto, without the async machinery around it.
        try
        {
            _socket!.SendTo(datagram.Span, SocketFlags.None, to);
        }
        catch (SocketException ex)
        {
            logger.LogWarning("Reply to {Destination} not sent: {Error}", to, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            logger.LogDebug("Reply to {Destination} not sent: the listener has stopped", to);
        }
        return ValueTask.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Listening = false;
        _socket?.Dispose();
    }
}
