using Imprivata.RadiusEdge.Clients;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Tests.Infrastructure;

namespace Imprivata.RadiusEdge.Tests.EndToEnd;

/// <summary>
/// One edge (client 127.0.0.1 requiring Message-Authenticator, deadline 4 s) and a backend double with a scripted policy:
/// alice (right password) -> accept; alice (wrong) -> reject; carol -> challenge, then accept with State + 123456;
/// dave -> never answers; erin -> accept after 2.5 s (so the NAS retransmits meanwhile).
/// </summary>
public sealed class EdgeFixture : IAsyncLifetime
{
    public const string Secret = "e2e-shared-secret-0123456789";
    public const string AlicePassword = "correct horse battery";
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(4);
    public static readonly byte[] ChallengeState = Enumerable.Range(0, 20).Select(i => (byte)(0xA0 + i)).ToArray();

    public EdgeHost Edge { get; private set; } = null!;
    public BackendDouble Backend { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Edge = await EdgeHost.StartAsync([Client("127.0.0.1", Secret)], Deadline);
        Backend = new BackendDouble(Edge, Policy);
    }

    public static NasClientOptions Client(string address, string secret) =>
        new() { Name = "vpn-test", Type = "Test", Address = address, Secret = secret };

    private static BackendAnswer? Policy(AuthenticateRequest request, string? password) => (request.UserName, password) switch
    {
        ("alice", AlicePassword) => BackendAnswer.Of(DecisionKind.Accept, "Welcome alice",
            attributes: [new BridgeAttribute("Session-Timeout", "3600"), new BridgeAttribute("Cisco-AVPair", "shell:priv-lvl=1")]),
        ("alice", _) => BackendAnswer.Of(DecisionKind.Reject, "Access denied"),
        ("carol", _) when request.State is null =>
            BackendAnswer.Of(DecisionKind.Challenge, "Enter the 6-digit code", Convert.ToBase64String(ChallengeState)),
        ("carol", "123456") when request.State == Convert.ToBase64String(ChallengeState) => BackendAnswer.Of(DecisionKind.Accept, "Welcome carol"),
        ("carol", _) => BackendAnswer.Of(DecisionKind.Reject),
        ("dave", _) => null,
        ("erin", _) => BackendAnswer.Of(DecisionKind.Accept, "Welcome erin", delay: TimeSpan.FromSeconds(2.5)),
        _ => BackendAnswer.Of(DecisionKind.Reject),
    };

    public async Task DisposeAsync()
    {
        await Backend.DisposeAsync();
        await Edge.DisposeAsync();
    }
}
