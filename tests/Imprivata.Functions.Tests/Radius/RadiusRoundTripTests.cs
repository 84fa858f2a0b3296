using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Functions.Radius;
using Imprivata.Functions.Tests.Oidc;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;
using Xunit.Abstractions;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>
/// Storage round trips of one password-only RADIUS decision, counted (not timed): at 200 requests a second each round
/// trip is a share of the storage service's capacity and of the backend's CPU. Measured on a warm backend (tables created,
/// seal key, client profile and policies read) for a user's second request, decided in-process as the queue function does.
/// </summary>
public sealed class RadiusRoundTripTests(RadiusWorld world, ITestOutputHelper output) : IClassFixture<RadiusWorld>
{
    // Exchange claim (insert), user by name, password throttle (read, then one write: AccountThrottle.SettleAsync), enrollments, temporary codes
    // (the policy engine's reads: either could ask for a second factor), the exchange's outcome (replace), the reply (queue
    // message). The audit event is the audit log's group commit, made outside the decision.
    // 9 before a successful password cost a reservation write and a clearing write.
    private const int MaxPasswordOnlyRoundTrips = 8;

    [Fact]
    public async Task PasswordOnlyAccept_Warm_StaysWithinRoundTripBudget()
    {
        using var trips = new StorageRoundTrips();
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("trips"));
        var decisions = world.Backend.Get<RadiusDecisions>();

        await decisions.HandleAsync(Read(world.Edge.Request(user.Username, RadiusBackend.Password, client.Name)), CancellationToken.None); // warm-up
        var request = Read(world.Edge.Request(user.Username, RadiusBackend.Password, client.Name));
        var counted = Task.Run(async () =>
        {
            trips.Attribute("decision");
            await decisions.HandleAsync(request, CancellationToken.None);
        });
        await counted;
        var calls = trips.For("decision");
        output.WriteLine($"password-only decision: {calls.Count}\n  {string.Join("\n  ", calls)}");

        var replies = await world.Edge.DrainAsync(TimeSpan.FromSeconds(2));
        Assert.Contains(replies, d => d.RequestId == request.RequestId && d.Kind == DecisionKind.Accept && d.Reason == PlanReasons.UnenrolledPasswordOnly);
        Assert.InRange(calls.Count, 1, MaxPasswordOnlyRoundTrips);
    }

    /// <summary>As the edge sends it: with the RADIUS Identifier and Request Authenticator, so the exchange is claimed.</summary>
    private static RadiusAuthenticate Read(JsonObject request)
    {
        request["radius"] = new JsonObject { ["identifier"] = 9, ["authenticator"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };
        return RadiusMessages.Read(request.ToJsonString(), out var error) ?? throw new InvalidOperationException(error);
    }
}
