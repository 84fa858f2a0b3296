using System.Net;
using System.Security.Cryptography;
using Imprivata.RadiusEdge.Bridge;
using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Handling;
using Imprivata.RadiusEdge.Logging;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Imprivata.RadiusEdge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.RadiusEdge.Tests.Handling;

public sealed class RequestHandlerTests : IDisposable
{
    private const string Secret = "unit-test-shared-secret-22";
    private readonly RSA _backendKey = RSA.Create(2048);
    private readonly PendingTable _pending = new(10);
    private readonly FakeTimeProvider _time = new();

    private RequestHandler Handler(IBridge bridge, EdgeOptions options)
    {
        options.EdgeId = "edge-unit";
        options.Bridge.BackendPublicKeyPem = _backendKey.ExportSubjectPublicKeyInfoPem();
        var wrapped = Options.Create(options);
        var clients = new NasClientDirectory(new StaticMonitor(new NasClientsFile
        {
            RadiusClients = [new NasClientOptions { Name = "vpn", Address = "127.0.0.1", Secret = Secret }],
        }), NullLogger<NasClientDirectory>.Instance);
        return new RequestHandler(clients, new DuplicateCache(_time, 100, TimeSpan.FromSeconds(60)), _pending, bridge,
            new BridgeRequestFactory(new PasswordSealer(wrapped), RadiusDictionary.Default, wrapped),
            new ReplyBuilder(RadiusDictionary.Default, NullLogger<ReplyBuilder>.Instance), new NoSender(),
            new ExchangeLog(wrapped, NullLogger<ExchangeLog>.Instance, _time), wrapped, _time, NullLogger<RequestHandler>.Instance);
    }

    [Fact]
    public async Task Forward_BridgeSendHangs_GivesUpAfterSendTimeoutAndForgetsTheRequest()
    {
        var handler = Handler(new HangingBridge(), new EdgeOptions { BridgeSendTimeout = TimeSpan.FromMilliseconds(200) });
        var request = TestRequests.AccessRequest(Secret, 7, "nemo", "arctangent");

        // Without the send timeout this never returns, and every listener slot would end up stuck the same way.
        var handled = handler.HandleAsync(request, new IPEndPoint(IPAddress.Loopback, 40000), CancellationToken.None);
        await handled.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _pending.Count);
        // Forgotten, not cached as answered: the NAS's retransmission is tried again (it hangs again here, and returns again).
        await handler.HandleAsync(request, new IPEndPoint(IPAddress.Loopback, 40000), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _backendKey.Dispose();

    private sealed class HangingBridge : IBridge
    {
        public BridgeStatus Status { get; } = new() { Kind = "hanging" };
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task SendAsync(AuthenticateRequest request, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
        public Task ReceiveAsync(Func<Decision, CancellationToken, Task> onDecision, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoSender : IReplySender
    {
        public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class StaticMonitor(NasClientsFile value) : IOptionsMonitor<NasClientsFile>
    {
        public NasClientsFile CurrentValue => value;
        public NasClientsFile Get(string? name) => value;
        public IDisposable? OnChange(Action<NasClientsFile, string?> listener) => null;
    }
}
