using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Ldap;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Management;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Handling;

public sealed class RequestHandlerTests : IDisposable
{
    private const string Secret = "unit-test-shared-secret-22";
    private static readonly IPEndPoint Nas = new(IPAddress.Loopback, 40000);
    private readonly RSA _backendKey = RSA.Create(2048);
    private readonly PendingTable _pending = new(10);
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingSender _sender = new();
    private EdgeStatus Status => _status ??= new EdgeStatus(_time);
    private EdgeStatus? _status;

    private RequestHandler Handler(IBridge bridge, EdgeOptions? options = null, FirstFactorMode mode = FirstFactorMode.Directory)
    {
        options ??= new EdgeOptions();
        options.EdgeId = "edge-unit";
        options.Bridge.BackendPublicKeyPem = _backendKey.ExportSubjectPublicKeyInfoPem();
        var wrapped = Options.Create(options);
        var clients = new NasClientDirectory(new StaticMonitor(new NasClientsFile
        {
            RadiusClients = [new NasClientOptions
            {
                Name = "vpn", Address = "127.0.0.1", Secret = Secret, FirstFactor = mode, Ldap = mode == FirstFactorMode.Ldap ? "corp" : null,
            }],
        }), NullLogger<NasClientDirectory>.Instance);
        return new RequestHandler(clients, new DuplicateCache(_time, 100, TimeSpan.FromSeconds(60)), _pending, bridge,
            new BridgeRequestFactory(new PasswordSealer(wrapped), RadiusDictionary.Default, wrapped),
            new FirstFactorStep(new LdapDirectory(wrapped, NullLogger<LdapDirectory>.Instance)),
            new ReplyBuilder(RadiusDictionary.Default, NullLogger<ReplyBuilder>.Instance), _sender,
            new ExchangeLog(wrapped, NullLogger<ExchangeLog>.Instance, _time), wrapped, _time, Status, NullLogger<RequestHandler>.Instance);
    }

    private static Task Handle(RequestHandler handler, byte[] datagram) =>
        handler.HandleAsync(datagram, Nas, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Forward_BridgeSendTimesOut_KeepsTheRequestSoRetransmissionsAreDuplicates()
    {
        var bridge = new RecordingBridge { Hang = true };
        var handler = Handler(bridge, new EdgeOptions { BridgeSendTimeout = TimeSpan.FromMilliseconds(200) });
        var request = TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent");

        // Without the send timeout this never returns, and every listener slot would end up stuck the same way.
        await Handle(handler, request);
        await Handle(handler, request);
        await Handle(handler, request);

        // RFC 5080 §2.2.2: the timed-out send may have landed, so the retransmissions are not forwarded again.
        Assert.Single(bridge.Sent);
        Assert.Equal(1, _pending.Count);
        // And the console hears about it with the next heartbeat.
        Assert.EndsWith("bridge: send timed out", Assert.Single(Status.RecentErrors()));
    }

    [Fact]
    public async Task Stopped_AuthenticRequest_IsRejectedWithTheReasonAndNeverForwarded()
    {
        var bridge = new RecordingBridge();
        var handler = Handler(bridge);
        Status.Stopped = true;
        var request = TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent");

        await Handle(handler, request);

        var reply = PacketReader.Read(Assert.Single(_sender.Sent)).Value;
        Assert.Equal(RadiusCode.AccessReject, reply.Code);
        Assert.Equal(RequestHandler.StoppedMessage, reply.FindString(RadiusAttributeType.ReplyMessage));
        Assert.True(ResponseAuthenticator.Verify(_sender.Sent.Single(), request.AsSpan(4, 16), Encoding.UTF8.GetBytes(Secret)));
        Assert.Empty(bridge.Sent);
    }

    [Fact]
    public async Task Stopped_ForgedRequest_GetsNoReject()
    {
        var handler = Handler(new RecordingBridge());
        Status.Stopped = true;

        await Handle(handler, TestRequests.AccessRequest("not-the-shared-secret-at-all", 7, "nemo", "arctangent"));

        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task Revoked_AuthenticRequest_GetsNoAnswerAndIsNotForwarded()
    {
        var bridge = new RecordingBridge();
        var handler = Handler(bridge);
        Status.Revoked = true;

        await Handle(handler, TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent"));

        Assert.Empty(_sender.Sent);
        Assert.Empty(bridge.Sent);
    }

    [Fact]
    public async Task Forward_BridgeSendTimesOut_ALateDecisionStillFindsTheRequest()
    {
        var bridge = new RecordingBridge { Hang = true };
        var handler = Handler(bridge, new EdgeOptions { BridgeSendTimeout = TimeSpan.FromMilliseconds(200) });

        await Handle(handler, TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent"));

        Assert.True(_pending.TryTake(Assert.Single(bridge.Sent).RequestId, out _));
    }

    [Fact]
    public async Task Forward_BridgeRefusesTheSend_ForgetsTheRequestSoTheRetransmissionIsSentAgain()
    {
        var bridge = new RecordingBridge { Refuse = true };
        var handler = Handler(bridge);
        var request = TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent");

        await Handle(handler, request);
        await Handle(handler, request);

        Assert.Equal(2, bridge.Sent.Count);
        Assert.Equal(0, _pending.Count);
    }

    [Fact]
    public async Task Forward_Request_CarriesRadiusIdentifierAuthenticatorAndClientName()
    {
        var bridge = new RecordingBridge();
        var request = TestRequests.AccessRequest(Secret, 201, "nemo", "arctangent");

        await Handle(Handler(bridge), request);

        var sent = Assert.Single(bridge.Sent);
        Assert.Equal(new RadiusExchange(201, Convert.ToHexStringLower(request.AsSpan(4, 16))), sent.Radius);
        Assert.Equal("vpn", sent.ClientName);
    }

    [Fact]
    public async Task Forward_DirectoryMode_SealsThePasswordForTheBackend()
    {
        var bridge = new RecordingBridge();

        await Handle(Handler(bridge), TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent"));

        var sent = Assert.Single(bridge.Sent);
        Assert.Equal(FirstFactorMode.Directory, sent.FirstFactor!.Mode);
        Assert.Equal("arctangent", Encoding.UTF8.GetString(PasswordSeal.Open(sent.Password!, _backendKey, sent.RequestId, sent.EdgeId)));
    }

    [Fact]
    public async Task Forward_NoneMode_SendsNoPassword()
    {
        var bridge = new RecordingBridge();

        await Handle(Handler(bridge, mode: FirstFactorMode.None), TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent"));

        var sent = Assert.Single(bridge.Sent);
        Assert.Equal(new FirstFactor { Mode = FirstFactorMode.None }, sent.FirstFactor);
        Assert.Null(sent.Password);
    }

    [Fact]
    public async Task Forward_ChallengeResponseInNoneMode_SealsTheAnswerForTheBackend()
    {
        var bridge = new RecordingBridge();
        var state = new RadiusAttribute(RadiusAttributeType.State, RandomNumberGenerator.GetBytes(16));

        await Handle(Handler(bridge, mode: FirstFactorMode.None), TestRequests.AccessRequest(Secret, 8, "nemo", "123456", extra: state));

        var sent = Assert.Single(bridge.Sent);
        Assert.Equal(FirstFactorMode.None, sent.FirstFactor!.Mode);
        Assert.Equal("123456", Encoding.UTF8.GetString(PasswordSeal.Open(sent.Password!, _backendKey, sent.RequestId, sent.EdgeId)));
    }

    private static EdgeOptions DirectoryDown(DirectoryUnavailable whenUnavailable)
    {
        var options = new EdgeOptions();
        options.Ldap["corp"] = new LdapProfileOptions
        {
            Url = $"ldap://127.0.0.1:{Ports.FreeTcp()}", UserSearchBase = "dc=example,dc=test", Timeout = TimeSpan.FromSeconds(2),
            WhenUnavailable = whenUnavailable,
        };
        return options;
    }

    [Fact]
    public async Task Forward_LdapDirectoryDownWithReject_RejectsWithoutReachingTheBackend()
    {
        var bridge = new RecordingBridge();

        await Handle(Handler(bridge, DirectoryDown(DirectoryUnavailable.Reject), FirstFactorMode.Ldap),
            TestRequests.AccessRequest(Secret, 9, "nemo", "arctangent"));

        Assert.Empty(bridge.Sent);
        Assert.Equal((byte)RadiusCode.AccessReject, Assert.Single(_sender.Sent)[0]);
    }

    [Fact]
    public async Task Forward_LdapDirectoryDownWithNoAnswer_StaysSilentWithoutReachingTheBackend()
    {
        var bridge = new RecordingBridge();

        await Handle(Handler(bridge, DirectoryDown(DirectoryUnavailable.NoAnswer), FirstFactorMode.Ldap),
            TestRequests.AccessRequest(Secret, 10, "nemo", "arctangent"));

        Assert.Empty(bridge.Sent);
        Assert.Empty(_sender.Sent);
        Assert.Equal(0, _pending.Count);
    }

    public void Dispose() => _backendKey.Dispose();

    private sealed class RecordingBridge : IBridge
    {
        public bool Hang { get; init; }
        public bool Refuse { get; init; }
        public ConcurrentQueue<AuthenticateRequest> Sent { get; } = new();
        public BridgeStatus Status { get; } = new() { Kind = "recording" };
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SendAsync(AuthenticateRequest request, CancellationToken cancellationToken)
        {
            Sent.Enqueue(request);
            if (Refuse)
                throw new BridgeRefusedException("refused by the test");
            return Hang ? Task.Delay(Timeout.Infinite, cancellationToken) : Task.CompletedTask;
        }

        public Task ReceiveAsync(Func<Decision, CancellationToken, Task> onDecision, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RecordingSender : IReplySender
    {
        public ConcurrentQueue<byte[]> Sent { get; } = new();

        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken)
        {
            Sent.Enqueue(datagram.ToArray());
            return ValueTask.CompletedTask;
        }
    }

    private sealed class StaticMonitor(NasClientsFile value) : IOptionsMonitor<NasClientsFile>
    {
        public NasClientsFile CurrentValue => value;
        public NasClientsFile Get(string? name) => value;
        public IDisposable? OnChange(Action<NasClientsFile, string?> listener) => null;
    }
}
