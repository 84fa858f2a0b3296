using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.Benchmarks.Radius;

/// <summary>
/// The timing client, built on the edge's own codec (radius-edge Protocol): PAP Access-Requests with Message-Authenticator
/// first (RFC 3579 §3.2), as radclient sends them, from several loopback source ports with one outstanding request per
/// (port, Identifier). Every reply's Response Authenticator is verified (RFC 2865 §3); a reply that fails counts as bad,
/// never as an answer. Each request is one slot: when it was first sent, every reply (time and code) it got.
/// </summary>
public sealed class NasClient : IDisposable
{
    private const int IdsPerPort = 256;
    private readonly Socket[] _sockets;
    private readonly Slot[] _slots;
    private readonly byte[] _secret;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _receivers;
    private long _badReplies, _retransmissions;

    public sealed class Slot
    {
        public byte[]? Datagram;
        public byte[]? Authenticator;
        public string User = "";
        public long FirstSentAt;
        public long LastSentAt;
        public readonly List<(long At, RadiusCode Code)> Replies = [];
        public bool Answered => Replies.Count > 0;
    }

    public NasClient(int port, int requests, string secret)
    {
        _secret = Encoding.UTF8.GetBytes(secret);
        _sockets = new Socket[(requests + IdsPerPort - 1) / IdsPerPort];
        for (var i = 0; i < _sockets.Length; i++)
        {
            _sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _sockets[i].ReceiveBufferSize = 1 << 20;
            _sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _sockets[i].Connect(new IPEndPoint(IPAddress.Loopback, port));
        }
        _slots = Enumerable.Range(0, requests).Select(_ => new Slot()).ToArray();
        _receivers = Enumerable.Range(0, _sockets.Length).Select(i => Task.Run(() => ReceiveAsync(i))).ToArray();
    }

    public IReadOnlyList<Slot> Slots => _slots;
    public long BadReplies => Interlocked.Read(ref _badReplies);
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    public void Send(int slot, string user, string password)
    {
        var authenticator = RandomNumberGenerator.GetBytes(RadiusPacket.AuthenticatorLength);
        var attributes = new[]
        {
            new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[MessageAuthenticator.ValueLength]),
            RadiusAttribute.FromString(RadiusAttributeType.UserName, user),
            new RadiusAttribute(RadiusAttributeType.UserPassword, UserPassword.Hide(Encoding.UTF8.GetBytes(password), _secret, authenticator)),
            new RadiusAttribute(RadiusAttributeType.NasIpAddress, new byte[] { 127, 0, 0, 1 }),
            RadiusAttribute.FromString(RadiusAttributeType.NasIdentifier, RadiusBenchmark.ClientName),
        };
        var packet = PacketWriter.Write(RadiusCode.AccessRequest, (byte)(slot % IdsPerPort), authenticator, attributes);
        MessageAuthenticator.Compute(packet, RadiusPacket.HeaderLength + 2, authenticator, _secret).CopyTo(packet, RadiusPacket.HeaderLength + 2);
        var s = _slots[slot];
        lock (s)
        {
            s.Datagram = packet;
            s.Authenticator = authenticator;
            s.User = user;
            s.FirstSentAt = s.LastSentAt = Stopwatch.GetTimestamp();
        }
        Transmit(slot, packet);
    }

    /// <summary>Retransmits, byte for byte, every request still unanswered after <paramref name="after"/>, as a gateway does.</summary>
    public void RetransmitUnanswered(TimeSpan after)
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < _slots.Length; i++)
        {
            var s = _slots[i];
            byte[]? again = null;
            lock (s)
            {
                if (s.Datagram is not null && !s.Answered && Stopwatch.GetElapsedTime(s.LastSentAt, now) > after)
                {
                    s.LastSentAt = now;
                    again = s.Datagram;
                }
            }
            if (again is not null)
            {
                Interlocked.Increment(ref _retransmissions);
                Transmit(i, again);
            }
        }
    }

    public int AnsweredCount(int first, int count) => Enumerable.Range(first, count).Count(i => _slots[i].Answered);

    /// <summary>Milliseconds from the first send to the first reply, for the answered slots in the range.</summary>
    public double[] LatenciesMs(int first, int count) => Enumerable.Range(first, count).Select(i => _slots[i])
        .Where(s => s.Answered).Select(s => Stopwatch.GetElapsedTime(s.FirstSentAt, s.Replies[0].At).TotalMilliseconds).ToArray();

    private void Transmit(int slot, byte[] datagram)
    {
        try
        {
            _sockets[slot / IdsPerPort].Send(datagram);
        }
        catch (SocketException)
        {
            // ENOBUFS / ECONNREFUSED: the request is lost unless retransmitted.
        }
    }

    private async Task ReceiveAsync(int port)
    {
        var buffer = new byte[RadiusPacket.MaxLength];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _sockets[port].ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP port unreachable
            }
            var now = Stopwatch.GetTimestamp();
            var index = port * IdsPerPort + (length >= RadiusPacket.HeaderLength ? buffer[1] : 0);
            if (length < RadiusPacket.HeaderLength || index >= _slots.Length)
            {
                Interlocked.Increment(ref _badReplies);
                continue;
            }
            var s = _slots[index];
            lock (s)
            {
                if (s.Authenticator is null || !ResponseAuthenticator.Verify(buffer.AsSpan(0, length), s.Authenticator, _secret))
                    Interlocked.Increment(ref _badReplies);
                else
                    s.Replies.Add((now, (RadiusCode)buffer[0]));
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_receivers, TimeSpan.FromSeconds(5));
        foreach (var socket in _sockets)
            socket.Dispose();
        _stop.Dispose();
    }
}
