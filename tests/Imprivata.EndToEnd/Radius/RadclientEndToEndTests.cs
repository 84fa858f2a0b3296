using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.TemporaryCodes;
using Imprivata.Core.Radius;
using Imprivata.Testing.Radius;

namespace Imprivata.EndToEnd.Radius;

/// <summary>
/// Remote access end to end: FreeRADIUS radclient as the VPN gateway -> the real edge (UDP, Message-Authenticator, sealed
/// PAP password) -> Storage Queues in Azurite -> the real backend (policy engine, push, codes) -> the decision back through
/// the edge, verified by radclient.
/// </summary>
public sealed class RadclientEndToEndTests(RadiusEdgeFixture world) : IClassFixture<RadiusEdgeFixture>
{
    private const string Password = RadiusBackend.Password;

    private async Task<(string Username, ApproverPhone Phone)> PushUserAsync(string username, bool numberMatching = false)
    {
        await world.Backend.GoLiveAsync([Factor.Push], numberMatching);
        var user = await world.Backend.AddUserAsync(username);
        return (user.Username, await ApproverPhone.RegisterAsync(world.Backend.Service, user));
    }

    [Fact]
    public async Task Radclient_UnenrolledUserInGrace_AcceptWithThePasswordAlone()
    {
        await world.ClientAsync();
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("grace"));

        var accepted = await world.RadclientAsync(user.Username, Password);
        var wrong = await world.RadclientAsync(user.Username, "not the password");

        Assert.True(accepted.Received("Access-Accept"), accepted.Output);
        Assert.True(wrong.Received("Access-Reject"), wrong.Output);
        var audited = Assert.Single(await world.AuditAsync(AuditKinds.RadiusAccept, user.Username));
        Assert.Equal((RadiusEdgeFixture.ClientName, "127.0.0.1", "password"), (audited.ClientId, audited.Ip, audited.Methods));
        Assert.StartsWith($"edge={world.Edge.EdgeId} ", audited.Detail);
    }

    [Fact]
    public async Task Radclient_PushApprovedOnThePhone_AcceptWithTheGroupAttributes()
    {
        await world.ClientAsync(c => c with
        {
            GroupAttributes = [new RadiusGroupAttributes { Group = RadiusGroupAttributes.Everyone, Attributes = [new("Filter-Id", "vpn-staff"), new("Class", "0x7374616666")] }],
        });
        var (username, phone) = await PushUserAsync(RadiusEdgeFixture.Unique("approve"));
        using var _ = phone;

        var gateway = world.RadclientAsync(username, Password, timeoutSeconds: 30);
        var shown = await phone.WaitForChallengeAsync();
        await phone.DecideAsync(shown.Id, "approve");
        var result = await gateway;

        Assert.Equal(RadiusEdgeFixture.ClientName, shown.App);
        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.Contains("Filter-Id = \"vpn-staff\"", result.Output);
        Assert.Contains("Class = 0x7374616666", result.Output);
    }

    [Fact]
    public async Task Radclient_PushDenied_RejectSayingSo()
    {
        await world.ClientAsync();
        var (username, phone) = await PushUserAsync(RadiusEdgeFixture.Unique("deny"));
        using var _ = phone;

        var gateway = world.RadclientAsync(username, Password, timeoutSeconds: 30);
        await phone.DecideAsync((await phone.WaitForChallengeAsync()).Id, "deny");
        var result = await gateway;

        Assert.True(result.Received("Access-Reject"), result.Output);
        Assert.Equal("The sign-in was denied on your phone.", result.ReplyMessage);
    }

    [Fact]
    public async Task Radclient_PushNotAnswered_RejectWhenItExpires()
    {
        await world.ClientAsync(c => c with { PushTimeout = RadiusClientProfile.MinPushTimeout });
        var (username, phone) = await PushUserAsync(RadiusEdgeFixture.Unique("expire"));
        using var _ = phone;

        var result = await world.RadclientAsync(username, Password, timeoutSeconds: 30);

        Assert.True(result.Received("Access-Reject"), result.Output);
        Assert.Equal("The sign-in was not approved in time. Try again.", result.ReplyMessage);
    }

    [Fact]
    public async Task Radclient_RetransmissionsAndFailOverToTheOtherEdge_OnePushBothAccepted()
    {
        await world.ClientAsync();
        var (username, phone) = await PushUserAsync(RadiusEdgeFixture.Unique("retry"));
        using var _ = phone;

        // The gateway retransmits every 2 s while the push is out, and a second gateway path asks the other edge.
        var first = world.RadclientAsync(username, Password, timeoutSeconds: 2, retries: 15);
        var shown = await phone.WaitForChallengeAsync();
        var failOver = world.RadclientAsync(username, Password, edge: world.SecondEdge, timeoutSeconds: 2, retries: 15);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Single(await phone.PendingAsync());
        await phone.DecideAsync(shown.Id, "approve");
        var (a, b) = (await first, await failOver);

        Assert.True(a.Received("Access-Accept"), a.Output);
        Assert.True(b.Received("Access-Accept"), b.Output);
        Assert.Single(await world.AuditAsync(AuditKinds.PushSend, username), e => e.Result == AuditResults.Success);
    }

    [Fact]
    public async Task Radclient_NumberMatching_ChallengeShowsTheNumberThenAccept()
    {
        await world.ClientAsync();
        var (username, phone) = await PushUserAsync(RadiusEdgeFixture.Unique("match"), numberMatching: true);
        using var _ = phone;

        var challenge = await world.RadclientAsync(username, Password);
        var shown = await phone.WaitForChallengeAsync();
        var number = challenge.ReplyMessage[^2..];
        await phone.DecideAsync(shown.Id, "approve", number);
        var result = await world.RadclientAsync(username, "ok", challenge.State, timeoutSeconds: 30);

        Assert.True(challenge.Received("Access-Challenge"), challenge.Output);
        Assert.Matches(@"^Approve the sign-in on your phone and enter \d\d$", challenge.ReplyMessage);
        Assert.True(result.Received("Access-Accept"), result.Output);
    }

    [Fact]
    public async Task Radclient_OtpToken_ChallengeThenTheCode_Accept()
    {
        await world.ClientAsync();
        await world.Backend.GoLiveAsync([Factor.OtpToken]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("otp"));
        using var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);

        var challenge = await world.RadclientAsync(user.Username, Password);
        var code = Core.Mfa.Otp.OtpCode.Compute(phone.TotpSeed, new OtpParameters(), Core.Mfa.Otp.OtpCode.TimeStep(DateTimeOffset.UtcNow, 30));
        var result = await world.RadclientAsync(user.Username, code, challenge.State);
        var replay = await world.RadclientAsync(user.Username, code, challenge.State);

        Assert.True(challenge.Received("Access-Challenge"), challenge.Output);
        Assert.Equal("Enter the code from your authenticator app or token.", challenge.ReplyMessage);
        Assert.True(result.Received("Access-Accept"), result.Output);
        Assert.True(replay.Received("Access-Reject"), replay.Output);
    }

    [Fact]
    public async Task Radclient_SmsChallenge_CodeFromTheOutbox_Accept()
    {
        await world.ClientAsync();
        await world.Backend.GoLiveAsync([Factor.Sms]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("sms"));
        var phone = await world.EnrollPhoneAsync(user, "+15551239001");

        var challenge = await world.RadclientAsync(user.Username, Password);
        var result = await world.RadclientAsync(user.Username, await world.LastCodeToAsync(phone), challenge.State);

        Assert.True(challenge.Received("Access-Challenge"), challenge.Output);
        Assert.StartsWith("Enter the code sent by text message to ", challenge.ReplyMessage);
        Assert.True(result.Received("Access-Accept"), result.Output);
    }

    [Fact]
    public async Task Radclient_TemporaryCodeFromTheHelpdesk_Accept()
    {
        await world.ClientAsync();
        await world.Backend.GoLiveAsync([Factor.Push]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("tmp"));
        var issued = await world.Backend.Get<TemporaryCodes>().IssueAsync("desk-id", "desk", user.Id, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.True(issued.Succeeded, issued.Error);

        var challenge = await world.RadclientAsync(user.Username, Password);
        var result = await world.RadclientAsync(user.Username, issued.IssuedCode!, challenge.State);

        Assert.Equal("Enter the temporary code your help desk gave you.", challenge.ReplyMessage);
        Assert.True(result.Received("Access-Accept"), result.Output);
    }

    [Fact]
    public async Task Radclient_MethodChoice_PickSmsThenTheCode_Accept()
    {
        await world.ClientAsync();
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms, Factor.OtpToken]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("choice"));
        using var approver = await ApproverPhone.RegisterAsync(world.Backend.Service, user);
        var phone = await world.EnrollPhoneAsync(user, "+15551239002");

        var menu = await world.RadclientAsync(user.Username, Password);
        var sms = await world.RadclientAsync(user.Username, "2", menu.State);
        var result = await world.RadclientAsync(user.Username, await world.LastCodeToAsync(phone), sms.State);

        Assert.Equal("Choose a sign-in method: 1 = push, 2 = SMS, 3 = code", menu.ReplyMessage);
        Assert.True(sms.Received("Access-Challenge"), sms.Output);
        Assert.True(result.Received("Access-Accept"), result.Output);
    }

    [Fact]
    public async Task Radclient_NonLicensedUser_AcceptOnlyWhereTheClientAllowsIt()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var user = await world.Backend.AddUserAsync(RadiusEdgeFixture.Unique("nolic"), licensed: false);

        await world.ClientAsync();
        var refused = await world.RadclientAsync(user.Username, Password);
        await world.ClientAsync(c => c with { NonLicensedAccess = true });
        var allowed = await world.RadclientAsync(user.Username, Password);

        Assert.True(refused.Received("Access-Reject"), refused.Output);
        Assert.True(allowed.Received("Access-Accept"), allowed.Output);
        Assert.Equal(RadiusReasons.NonLicensedAccess, Assert.Single(await world.AuditAsync(AuditKinds.RadiusAccept, user.Username)).Reason);
    }
}
