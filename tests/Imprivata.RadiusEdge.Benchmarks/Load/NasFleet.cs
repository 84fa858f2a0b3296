using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Imprivata.RadiusEdge.Protocol;

namespace Imprivata.RadiusEdge.Benchmarks.Load;

/// <summary>
/// The load generator: many NAS source ports (one UDP socket each) with up to 256 outstanding requests per port, one per
/// RADIUS Identifier, so every request has a distinct (port, Identifier) and a server can tell them apart (RFC 5080 §2.2.2).
/// The same fleet drives the edge and FreeRADIUS. Replies are matched by port and Identifier, checked for a reply code,
/// and every 16th has its Response Authenticator verified (RFC 2865 §3); a reply that fails is counted, never counted as
/// an answer.
/// </summary>
public sealed class NasFleet : IAsyncDisposable
{
    private const int VerifyEvery = 16;
    private readonly Socket[] _sockets;
    private readonly Slot[] _slots;
    private readonly byte[] _secret;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _receivers;
    private volatile Mode _mode = Mode.Collect;
    private Func<int, AccessRequests.Built>? _fresh;
    private long _replies, _badReplies, _verified, _resends, _duplicateReplies;

    private enum Mode { Collect, ClosedLoop, Stopped }

    private sealed class Slot
    {
        public AccessRequests.Built? Request;
        public long SentAt;
        public long LatencyTicks = -1;
        public int Answers;
        public bool Outstanding;
        public readonly Lock Lock = new();
    }

    public NasFleet(IPEndPoint server, int ports, int idsPerPort, byte[] secret)
    {
        if (idsPerPort is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(idsPerPort));
        _secret = secret;
        IdsPerPort = idsPerPort;
        _sockets = new Socket[ports];
        for (var i = 0; i < ports; i++)
        {
            _sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _sockets[i].Connect(server);
        }
        _slots = Enumerable.Range(0, ports * idsPerPort).Select(_ => new Slot()).ToArray();
        _receivers = Enumerable.Range(0, ports).Select(i => Task.Run(() => ReceiveAsync(i))).ToArray();
    }

    public int IdsPerPort { get; }
    public int Count => _slots.Length;
    public long Replies => Interlocked.Read(ref _replies);
    public long BadReplies => Interlocked.Read(ref _badReplies);
    public long Verified => Interlocked.Read(ref _verified);
    public long Resends => Interlocked.Read(ref _resends);
    /// <summary>Replies for a request that was already answered (a cached reply to a retransmission, or a server bug).</summary>
    public long DuplicateReplies => Interlocked.Read(ref _duplicateReplies);
    public int Answered => _slots.Count(s => s.Answers > 0);
    public IPEndPoint SourceOf(int slot) => (IPEndPoint)_sockets[slot / IdsPerPort].LocalEndPoint!;
    public byte IdentifierOf(int slot) => (byte)(slot % IdsPerPort);
    public AccessRequests.Built? RequestOf(int slot) => _slots[slot].Request;

    /// <summary>Latencies (ms) of the first answers, for the slots given.</summary>
    public double[] LatenciesMs(IEnumerable<int> slots) =>
        slots.Select(i => _slots[i].LatencyTicks).Where(t => t >= 0).Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();

    /// <summary>Sends a new request from the slot (replacing its previous one) and records when.</summary>
    public void Send(int slot, AccessRequests.Built request)
    {
        var s = _slots[slot];
        lock (s.Lock)
        {
            s.Request = request;
            s.Answers = 0;
            s.LatencyTicks = -1;
            s.Outstanding = true;
            s.SentAt = Stopwatch.GetTimestamp();
        }
        Transmit(slot, request.Datagram);
    }

    /// <summary>Retransmits, byte for byte, every request still waiting for longer than <paramref name="olderThan"/>.</summary>
    public int ResendUnanswered(TimeSpan olderThan)
    {
        var now = Stopwatch.GetTimestamp();
        var count = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            var s = _slots[i];
            if (s.Outstanding && s.Request is { } r && Stopwatch.GetElapsedTime(s.SentAt, now) > olderThan)
            {
                s.SentAt = now; // the retransmission timer restarts (latency then counts from the last transmission)
                Transmit(i, r.Datagram);
                Interlocked.Increment(ref _resends);
                count++;
            }
        }
        return count;
    }

    /// <summary>Waits until every slot in use has an answer, retransmitting after <paramref name="retry"/>, up to <paramref name="limit"/>.</summary>
    public async Task<bool> WaitAllAnsweredAsync(TimeSpan retry, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (!_slots.Any(s => s.Outstanding))
                return true;
            ResendUnanswered(retry);
            await Task.Delay(20);
        }
        return !_slots.Any(s => s.Outstanding);
    }

    /// <summary>
    /// Closed loop: each answer immediately triggers the next send from its slot, for <paramref name="duration"/> after a
    /// warm-up. Without <paramref name="fresh"/> the slot retransmits its answered request byte for byte (the server
    /// answers from its reply cache); with it, each send is a new request. Returns answers per second.
    /// </summary>
    public async Task<ClosedLoopResult> RunClosedLoopAsync(TimeSpan warmUp, TimeSpan duration, TimeSpan retry,
        Func<int, AccessRequests.Built>? fresh = null)
    {
        _fresh = fresh;
        var badBefore = BadReplies;
        _mode = Mode.ClosedLoop;
        for (var i = 0; i < _slots.Length; i++)
            if (_slots[i].Request is { } r)
                Send(i, fresh?.Invoke(i) ?? r);
        var total = Stopwatch.StartNew();
        long startReplies = 0, startResends = 0;
        var measuring = false;
        var measured = Stopwatch.StartNew();
        while (total.Elapsed < warmUp + duration)
        {
            await Task.Delay(20);
            ResendUnanswered(retry);
            if (!measuring && total.Elapsed >= warmUp)
            {
                measuring = true;
                startReplies = Replies;
                startResends = Resends;
                measured.Restart();
            }
        }
        var answers = Replies - startReplies;
        var elapsed = measured.Elapsed;
        _mode = Mode.Collect;
        await WaitAllAnsweredAsync(retry, TimeSpan.FromSeconds(3));
        return new ClosedLoopResult(answers / elapsed.TotalSeconds, answers, elapsed, Resends - startResends, BadReplies - badBefore);
    }

    private void Transmit(int slot, byte[] datagram)
    {
        try
        {
            _sockets[slot / IdsPerPort].Send(datagram);
        }
        catch (SocketException)
        {
            // ENOBUFS / ECONNREFUSED: the request counts as lost and is retransmitted by the timer.
        }
    }

    private async Task ReceiveAsync(int port)
    {
        var socket = _sockets[port];
        var buffer = new byte[RadiusPacket.MaxLength];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP port unreachable before the server listens
            }
            OnReply(port, buffer.AsSpan(0, length));
        }
    }

    private void OnReply(int port, ReadOnlySpan<byte> reply)
    {
        if (reply.Length < RadiusPacket.HeaderLength || reply[1] >= IdsPerPort)
        {
            Interlocked.Increment(ref _badReplies);
            return;
        }
        var index = port * IdsPerPort + reply[1];
        var s = _slots[index];
        var now = Stopwatch.GetTimestamp();
        AccessRequests.Built? next = null;
        lock (s.Lock)
        {
            if (s.Request is null || (RadiusCode)reply[0] is not (RadiusCode.AccessAccept or RadiusCode.AccessReject or RadiusCode.AccessChallenge))
            {
                Interlocked.Increment(ref _badReplies);
                return;
            }
            var n = Interlocked.Increment(ref _replies);
            if (n % VerifyEvery == 0)
            {
                if (!ResponseAuthenticator.Verify(reply, s.Request.Authenticator, _secret))
                {
                    Interlocked.Increment(ref _badReplies);
                    return;
                }
                Interlocked.Increment(ref _verified);
            }
            if (!s.Outstanding)
                Interlocked.Increment(ref _duplicateReplies);
            if (s.Answers++ == 0)
                s.LatencyTicks = now - s.SentAt;
            s.Outstanding = false;
            if (_mode == Mode.ClosedLoop)
                next = _fresh?.Invoke(index) ?? s.Request;
        }
        if (next is not null)
            Send(index, next);
    }

    public async ValueTask DisposeAsync()
    {
        _mode = Mode.Stopped;
        await _stop.CancelAsync();
        await Task.WhenAll(_receivers);
        foreach (var socket in _sockets)
            socket.Dispose();
        _stop.Dispose();
    }
}

public sealed record ClosedLoopResult(double PerSecond, long Answers, TimeSpan Elapsed, long Timeouts, long BadReplies);
