using System.Net;
using System.Net.Sockets;

namespace Imprivata.Testing;

/// <summary>
/// A loopback TCP relay in front of a real service (e.g. Azurite's table port) that a test switches off and on: off, it
/// refuses new connections and cuts open ones, as a storage outage does; on again, it relays on the same port.
/// </summary>
public sealed class SwitchableRelay : IAsyncDisposable
{
    private readonly int _target;
    private readonly object _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    private SwitchableRelay(int target)
    {
        _target = target;
        Port = Ports.FreeTcp();
    }

    public int Port { get; }

    /// <summary>A relay to <paramref name="targetPort"/>, initially off (nothing listens on <see cref="Port"/>).</summary>
    public static SwitchableRelay Off(int targetPort) => new(targetPort);

    public void SwitchOn()
    {
        lock (_gate)
        {
            if (_listener is not null)
                return;
            _stop = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _stop.Token);
        }
    }

    public void SwitchOff()
    {
        lock (_gate)
        {
            _stop?.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        using var outbound = new TcpClient();
        lock (_gate)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, _target, ct);
            var a = inbound.GetStream().CopyToAsync(outbound.GetStream(), ct);
            var b = outbound.GetStream().CopyToAsync(inbound.GetStream(), ct);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            inbound.Dispose();
            lock (_gate)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        SwitchOff();
        return ValueTask.CompletedTask;
    }
}
