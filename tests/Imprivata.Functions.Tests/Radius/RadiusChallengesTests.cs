using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Imprivata.Core.Mfa;
using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>Access-Challenge States: forged, expired, reused, cross-user or cross-NAS State -> Access-Reject.</summary>
public sealed class RadiusChallengesTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    private const string Password = RadiusBackend.Password;

    private async Task<(RadiusClientProfile Client, Core.UserDirectory.DirectoryUser User, ApproverPhone Phone, Decision Challenge)> ChallengedAsync()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("state"));
        var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);
        var challenge = await world.AskAsync(user.Username, Password, client);
        Assert.Equal(DecisionKind.Challenge, challenge.Kind);
        return (client, user, phone, challenge);
    }

    [Fact]
    public async Task State_Forged_Reject()
    {
        var (client, user, phone, _) = await ChallengedAsync();
        using var _ = phone;

        var decision = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        Assert.Equal((DecisionKind.Reject, RadiusReasons.StateUnknown), (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task State_UsedTwice_SecondReject()
    {
        var (client, user, phone, challenge) = await ChallengedAsync();
        using var _ = phone;

        var first = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, challenge.State);
        var again = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, challenge.State);

        Assert.Equal(DecisionKind.Accept, first.Kind);
        Assert.Equal((DecisionKind.Reject, RadiusReasons.StateReused), (again.Kind, again.Reason));
    }

    [Fact]
    public async Task State_AnotherUsersOrFromAnotherNas_Reject()
    {
        var (client, user, phone, challenge) = await ChallengedAsync();
        using var _ = phone;
        var mallory = await world.Backend.AddUserAsync(RadiusWorld.Unique("mallory"));

        var crossUser = await world.AskAsync(mallory.Username, RadiusWorld.TotpOf(phone), client, challenge.State);
        var crossNas = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, challenge.State, nas: "127.0.0.9");
        var otherClient = await world.ClientAsync();
        var crossClient = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), otherClient, challenge.State);

        Assert.Equal((DecisionKind.Reject, RadiusReasons.StateOtherUser), (crossUser.Kind, crossUser.Reason));
        Assert.Equal((DecisionKind.Reject, RadiusReasons.StateOtherNas), (crossNas.Kind, crossNas.Reason));
        Assert.Equal((DecisionKind.Reject, RadiusReasons.StateOtherNas), (crossClient.Kind, crossClient.Reason));
        // None of them used it up: the user's own answer still goes through.
        Assert.Equal(DecisionKind.Accept, (await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, challenge.State)).Kind);
    }

    [Fact]
    public async Task State_Expired_Reject()
    {
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("expired"));
        var state = RandomNumberGenerator.GetBytes(32);
        await world.Backend.Get<IRadiusChallengeStore>().AddAsync(new RadiusChallenge
        {
            Id = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(state)),
            UserId = user.Id, Username = user.Username, ClientName = client.Name, NasAddress = "127.0.0.1",
            Kind = RadiusChallengeKind.Code, Factors = [Factor.OtpToken],
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-10), ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-7),
        }, CancellationToken.None);

        var decision = await world.AskAsync(user.Username, "123456", client, Convert.ToBase64String(state));

        Assert.Equal((DecisionKind.Reject, RadiusReasons.StateExpired), (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task Retransmission_OfAChallengedRequest_SameChallengeRepeated()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("again"));
        using var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);
        var ids = new JsonObject { ["identifier"] = 3, ["authenticator"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };

        var first = await world.AskAsync(user.Username, Password, client, change: r => r["radius"] = ids.DeepClone());
        var copy = await world.AskAsync(user.Username, Password, client, change: r => r["radius"] = ids.DeepClone());
        var other = await world.AskAsync(user.Username, Password, client,
            change: r => r["radius"] = new JsonObject { ["identifier"] = 3, ["authenticator"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) });

        Assert.Equal(DecisionKind.Challenge, first.Kind);
        Assert.Equal((first.Kind, first.State, first.ReplyMessage), (copy.Kind, copy.State, copy.ReplyMessage));
        Assert.NotEqual(first.RequestId, copy.RequestId);
        Assert.NotEqual(first.State, other.State);
    }
}
