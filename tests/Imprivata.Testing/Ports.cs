using System.Net;
using System.Net.Sockets;

namespace Imprivata.Testing;

/// <summary>Free loopback ports (bind to 0, read, release) and waiting for a listener.</summary>
public static class Ports
{
    public static int FreeTcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static int FreeUdp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Waits until something accepts on the port; fails fast when the process meant to listen has exited.</summary>
    public static async Task WaitForTcpAsync(int port, TimeSpan timeout, Func<bool> exited)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (exited())
                throw new InvalidOperationException($"The process meant to listen on {port} exited.");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
