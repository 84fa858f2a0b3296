using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Push;
using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>Push over RADIUS: held until decided, number matching through a challenge, exactly one push per user and NAS.</summary>
public sealed class RadiusPushesTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    private const string Password = RadiusBackend.Password;

    private async Task<(RadiusClientProfile Client, Core.UserDirectory.DirectoryUser User, ApproverPhone Phone)> SetUpAsync(bool numberMatching = false,
        Func<RadiusClientProfile, RadiusClientProfile>? client = null)
    {
        await world.Backend.GoLiveAsync([Factor.Push], numberMatching);
        var profile = await world.ClientAsync(client);
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("push"));
        return (profile, user, await ApproverPhone.RegisterAsync(world.Backend.Service, user));
    }

    private async Task<int> PushesSentAsync(string username) =>
        (await world.AuditAsync(AuditKinds.PushSend)).Count(e => e.Username == username && e.Result == AuditResults.Success);

    [Fact]
    public async Task Push_HeldThenApprovedOnThePhone_Accept()
    {
        var (client, user, phone) = await SetUpAsync();
        using var _ = phone;
        var requestId = await world.Edge.SendAsync(world.Edge.Request(user.Username, Password, client.Name));

        var hold = await world.Edge.DecisionForAsync(requestId, stopAtHold: true);
        var shown = await phone.WaitForChallengeAsync();
        Assert.Equal((client.Name, false), (shown.App, shown.NumberMatching));
        await phone.DecideAsync(shown.Id, "approve");
        var decision = await world.Edge.DecisionForAsync(requestId);

        Assert.Equal((DecisionKind.Hold, RadiusReasons.PushPending), (hold.Kind, hold.Reason));
        Assert.InRange(hold.HoldUntil!.Value, DateTimeOffset.UtcNow.AddSeconds(20), DateTimeOffset.UtcNow.AddSeconds(40));
        Assert.Equal((DecisionKind.Accept, RadiusReasons.PushApproved), (decision.Kind, decision.Reason));
        Assert.Equal("password push", Assert.Single(await world.AuditAsync(AuditKinds.RadiusAccept, user.Username)).Methods);
    }

    [Fact]
    public async Task Push_Denied_RejectSayingSo()
    {
        var (client, user, phone) = await SetUpAsync();
        using var _ = phone;
        var requestId = await world.Edge.SendAsync(world.Edge.Request(user.Username, Password, client.Name));

        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "deny");
        var decision = await world.Edge.DecisionForAsync(requestId);

        Assert.Equal((DecisionKind.Reject, "push_" + PushReasons.Denied, RadiusTexts.PushDenied), (decision.Kind, decision.Reason, decision.ReplyMessage));
    }

    [Fact]
    public async Task Push_NotAnsweredWithinTheClientsTimeout_RejectAndALateApprovalChangesNothing()
    {
        var (client, user, phone) = await SetUpAsync(client: c => c with { PushTimeout = RadiusClientProfile.MinPushTimeout });
        using var _ = phone;
        var requestId = await world.Edge.SendAsync(world.Edge.Request(user.Username, Password, client.Name));
        var shown = await phone.WaitForChallengeAsync();

        var decision = await world.Edge.DecisionForAsync(requestId, timeout: TimeSpan.FromSeconds(30));
        var late = await phone.DecideAsync(shown.Id, "approve");

        Assert.Equal((DecisionKind.Reject, "push_" + PushReasons.Expired, RadiusTexts.PushExpired), (decision.Kind, decision.Reason, decision.ReplyMessage));
        Assert.InRange((shown.ExpiresAt - shown.CreatedAt).TotalSeconds, 4, 6);
        Assert.NotEqual("approved", late.State);
        Assert.DoesNotContain(await world.Edge.DrainAsync(TimeSpan.FromSeconds(1)), d => d.RequestId == requestId);
    }

    [Fact]
    public async Task NumberMatching_ChallengeShowsTheNumber_ApprovedWithIt_TheContinueIsAccepted()
    {
        var (client, user, phone) = await SetUpAsync(numberMatching: true);
        using var _ = phone;

        var challenge = await world.AskAsync(user.Username, Password, client);
        var shown = await phone.WaitForChallengeAsync();
        var number = challenge.ReplyMessage![^2..];
        await phone.DecideAsync(shown.Id, "approve", number);
        var decision = await world.AskAsync(user.Username, "", client, challenge.State);

        Assert.Equal(DecisionKind.Challenge, challenge.Kind);
        Assert.Equal(RadiusTexts.MatchNumber(int.Parse(number)), challenge.ReplyMessage);
        Assert.True(shown.NumberMatching);
        Assert.Equal((DecisionKind.Accept, RadiusReasons.PushApproved), (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task NumberMatching_ContinueBeforeApproving_HeldUntilTheApproval()
    {
        var (client, user, phone) = await SetUpAsync(numberMatching: true);
        using var _ = phone;
        var challenge = await world.AskAsync(user.Username, Password, client);

        var requestId = await world.Edge.SendAsync(world.Edge.Request(user.Username, "", client.Name, state: challenge.State));
        var hold = await world.Edge.DecisionForAsync(requestId, stopAtHold: true);
        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "approve", challenge.ReplyMessage![^2..]);
        var decision = await world.Edge.DecisionForAsync(requestId);

        Assert.Equal(DecisionKind.Hold, hold.Kind);
        Assert.Equal(DecisionKind.Accept, decision.Kind);
    }

    [Fact]
    public async Task NumberMatching_WrongNumberOnThePhone_ContinueRejected()
    {
        var (client, user, phone) = await SetUpAsync(numberMatching: true);
        using var _ = phone;
        var challenge = await world.AskAsync(user.Username, Password, client);
        var wrong = challenge.ReplyMessage![^2..] == "10" ? "11" : "10";

        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "approve", wrong);
        var decision = await world.AskAsync(user.Username, "", client, challenge.State);

        Assert.Equal((DecisionKind.Reject, "push_" + PushReasons.WrongNumber), (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task Retransmissions_SameRadiusIdsNewRequestIds_OnePush_EveryCopyAnswered()
    {
        var (client, user, phone) = await SetUpAsync();
        using var _ = phone;
        var ids = new JsonObject { ["identifier"] = 17, ["authenticator"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };
        var first = world.Edge.Request(user.Username, Password, client.Name);
        first["radius"] = ids.DeepClone();
        var copies = Enumerable.Range(0, 3).Select(_ =>
        {
            var copy = world.Edge.Request(user.Username, Password, client.Name);
            copy["radius"] = ids.DeepClone();
            return copy;
        }).ToList();

        var firstId = await world.Edge.SendAsync(first);
        await world.Edge.DecisionForAsync(firstId, stopAtHold: true);
        var copyIds = new List<string>();
        foreach (var copy in copies)
            copyIds.Add(await world.Edge.SendAsync(copy));
        foreach (var id in copyIds)
            Assert.Equal(DecisionKind.Hold, (await world.Edge.DecisionForAsync(id, stopAtHold: true)).Kind);
        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "approve");

        foreach (var id in copyIds.Prepend(firstId))
            Assert.Equal(DecisionKind.Accept, (await world.Edge.DecisionForAsync(id)).Kind);
        Assert.Equal(1, await PushesSentAsync(user.Username));
        Assert.Contains(await world.AuditAsync(AuditKinds.RadiusHold, user.Username), e => e.Detail!.Contains(" repeat "));
    }

    [Fact]
    public async Task SecondEdge_SameUserAndNasWhilePending_JoinsTheOnePush()
    {
        var (client, user, phone) = await SetUpAsync();
        using var _ = phone;
        var other = await BridgeEdge.ConnectAsync(world.Backend);

        var firstId = await world.Edge.SendAsync(world.Edge.Request(user.Username, Password, client.Name));
        await world.Edge.DecisionForAsync(firstId, stopAtHold: true);
        var secondId = await other.SendAsync(other.Request(user.Username, Password, client.Name));
        var secondHold = await other.DecisionForAsync(secondId, stopAtHold: true);
        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "approve");

        Assert.Equal(DecisionKind.Hold, secondHold.Kind);
        Assert.Equal(DecisionKind.Accept, (await world.Edge.DecisionForAsync(firstId)).Kind);
        Assert.Equal(DecisionKind.Accept, (await other.DecisionForAsync(secondId)).Kind);
        Assert.Equal(1, await PushesSentAsync(user.Username));
    }

    [Fact]
    public async Task Push_AnotherNas_AnotherPushThatReplacesTheFirst()
    {
        var (client, user, phone) = await SetUpAsync();
        using var _ = phone;

        var firstId = await world.Edge.SendAsync(world.Edge.Request(user.Username, Password, client.Name, nasAddress: "127.0.0.1"));
        await world.Edge.DecisionForAsync(firstId, stopAtHold: true);
        var secondId = await world.Edge.SendAsync(world.Edge.Request(user.Username, Password, client.Name, nasAddress: "127.0.0.2"));
        await world.Edge.DecisionForAsync(secondId, stopAtHold: true);

        // A new push cancels the pending one.
        Assert.Equal((DecisionKind.Reject, "push_" + PushReasons.Superseded), ((await world.Edge.DecisionForAsync(firstId)).Kind, (await world.AuditAsync(AuditKinds.RadiusReject, user.Username)).Single().Reason));
        Assert.Equal(2, await PushesSentAsync(user.Username));
    }
}
