using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;
using Imprivata.RadiusEdge.Contract;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>Second factors answered through Access-Challenge: codes, SMS, temporary codes, the method choice, the shared throttle.</summary>
public sealed class RadiusSecondFactorTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    private const string Password = RadiusBackend.Password;

    [Fact]
    public async Task OtpToken_ChallengeThenRightCode_AcceptWithTheGroupAttributes()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken]);
        var client = await world.ClientAsync(c => c with
        {
            GroupAttributes = [new RadiusGroupAttributes { Group = RadiusGroupAttributes.Everyone, Attributes = [new("Filter-Id", "vpn-users")] }],
        });
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("otp"));
        using var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);

        var challenge = await world.AskAsync(user.Username, Password, client);
        var decision = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, challenge.State);

        Assert.Equal((DecisionKind.Challenge, RadiusTexts.OtpCode), (challenge.Kind, challenge.ReplyMessage));
        Assert.True(Convert.FromBase64String(challenge.State!).Length >= 16);
        Assert.Equal((DecisionKind.Accept, RadiusReasons.CodeAccepted), (decision.Kind, decision.Reason));
        Assert.Equal([new BridgeAttribute("Filter-Id", "vpn-users")], decision.Attributes);
        Assert.Equal("password otp", Assert.Single(await world.AuditAsync(AuditKinds.RadiusAccept, user.Username)).Methods);
    }

    [Fact]
    public async Task OtpToken_WrongCode_RejectAndCountedByTheSharedThrottle()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("typo"));
        using var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);

        var challenge = await world.AskAsync(user.Username, Password, client);
        var wrong = await world.AskAsync(user.Username, "000000" == RadiusWorld.TotpOf(phone) ? "111111" : "000000", client, challenge.State);

        Assert.Equal((DecisionKind.Reject, RadiusReasons.WrongCode, RadiusTexts.WrongCode), (wrong.Kind, wrong.Reason, wrong.ReplyMessage));
        Assert.Equal(1, (await world.Backend.Get<IThrottleStore>().GetAsync(user.Id, CancellationToken.None)).ConsecutiveFailures);
    }

    [Fact]
    public async Task AnyFactor_AccountThrottled_RejectedBeforeAnythingIsSent()
    {
        await world.Backend.GoLiveAsync([Factor.Sms]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("slow"));
        var phone = await world.EnrollPhoneAsync(user, "+15551230001");
        Assert.NotNull(await world.Backend.Get<IThrottleStore>().TrySaveAsync(user.Id, new ThrottleState(10, DateTimeOffset.UtcNow), CancellationToken.None));
        var sentBefore = (await world.Backend.Get<Core.Mfa.Codes.IOutboxStore>().ListAsync(50, CancellationToken.None)).Count(m => m.To == phone);

        var decision = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Reject, AuditReasons.Throttled), (decision.Kind, decision.Reason));
        Assert.Equal(sentBefore, (await world.Backend.Get<Core.Mfa.Codes.IOutboxStore>().ListAsync(50, CancellationToken.None)).Count(m => m.To == phone));
    }

    [Fact]
    public async Task Sms_CodeSentOnTheChallenge_ReadFromTheOutbox_Accept()
    {
        await world.Backend.GoLiveAsync([Factor.Sms]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("sms"));
        var phone = await world.EnrollPhoneAsync(user, "+15551230002");

        var challenge = await world.AskAsync(user.Username, Password, client);
        var code = await world.LastCodeToAsync(phone);
        var decision = await world.AskAsync(user.Username, code, client, challenge.State);

        Assert.Equal(DecisionKind.Challenge, challenge.Kind);
        Assert.StartsWith("Enter the code sent by text message to ", challenge.ReplyMessage);
        Assert.DoesNotContain("5551230002", challenge.ReplyMessage);
        Assert.Equal((DecisionKind.Accept, RadiusReasons.CodeAccepted), (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task TemporaryCode_UnenrolledUserWithACode_ChallengedAndAccepted()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("tmp"));
        var issued = await world.Backend.Get<Core.Mfa.TemporaryCodes.TemporaryCodes>().IssueAsync("desk-id", "desk", user.Id, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.True(issued.Succeeded, issued.Error);

        var challenge = await world.AskAsync(user.Username, Password, client);
        var decision = await world.AskAsync(user.Username, issued.IssuedCode!, client, challenge.State);

        Assert.Equal((DecisionKind.Challenge, RadiusTexts.TemporaryCode), (challenge.Kind, challenge.ReplyMessage));
        Assert.Equal((DecisionKind.Accept, RadiusReasons.CodeAccepted), (decision.Kind, decision.Reason));
        Assert.Equal("password temporary-code", Assert.Single(await world.AuditAsync(AuditKinds.RadiusAccept, user.Username)).Methods);
    }

    [Fact]
    public async Task MethodChoice_SeveralAllowed_MenuThenTheChosenSms()
    {
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms, Factor.OtpToken]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("choice"));
        using var approver = await ApproverPhone.RegisterAsync(world.Backend.Service, user);
        var phone = await world.EnrollPhoneAsync(user, "+15551230003");

        var menu = await world.AskAsync(user.Username, Password, client);
        var sms = await world.AskAsync(user.Username, "2", client, menu.State);
        var decision = await world.AskAsync(user.Username, await world.LastCodeToAsync(phone), client, sms.State);

        Assert.Equal((DecisionKind.Challenge, "Choose a sign-in method: 1 = push, 2 = SMS, 3 = code"), (menu.Kind, menu.ReplyMessage));
        Assert.Equal(DecisionKind.Challenge, sms.Kind);
        Assert.StartsWith("Enter the code sent by text message", sms.ReplyMessage);
        Assert.NotEqual(menu.State, sms.State);
        Assert.Equal((DecisionKind.Accept, "password sms"), (decision.Kind, (await world.AuditAsync(AuditKinds.RadiusAccept, user.Username)).Single().Methods));
    }

    [Fact]
    public async Task MethodChoice_CodeCoversTokenAndTemporaryCode_NonsenseRejected()
    {
        await world.Backend.GoLiveAsync([Factor.Sms, Factor.OtpToken]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("code"));
        await world.EnrollPhoneAsync(user, "+15551230004");
        var issued = await world.Backend.Get<Core.Mfa.TemporaryCodes.TemporaryCodes>().IssueAsync("desk-id", "desk", user.Id, TimeSpan.FromHours(1), CancellationToken.None);

        var menu = await world.AskAsync(user.Username, Password, client);
        var code = await world.AskAsync(user.Username, "code", client, menu.State);
        var decision = await world.AskAsync(user.Username, issued.IssuedCode!, client, code.State);
        var again = await world.AskAsync(user.Username, Password, client);
        var nonsense = await world.AskAsync(user.Username, "7", client, again.State);

        Assert.Equal("Choose a sign-in method: 1 = SMS, 2 = code", menu.ReplyMessage);
        Assert.Equal(RadiusTexts.TemporaryCode, code.ReplyMessage);
        Assert.Equal(DecisionKind.Accept, decision.Kind);
        Assert.Equal((DecisionKind.Reject, RadiusReasons.InvalidChoice), (nonsense.Kind, nonsense.Reason));
    }

    [Fact]
    public async Task ClientWithoutChallenges_OnlyAPushCanServe_ElseReject()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken, Factor.Sms]);
        var client = await world.ClientAsync(c => c with { Challenges = false });
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("plain"));
        await world.EnrollPhoneAsync(user, "+15551230005");

        var decision = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Reject, RadiusReasons.NoUsableFactor, RadiusTexts.NoMethod), (decision.Kind, decision.Reason, decision.ReplyMessage));
    }

    [Fact]
    public void MethodsFor_PlanOrder_CodeOnceForTokenAndTemporaryCode_WebAuthnLeftOut()
    {
        var plan = new AuthenticationPlan
        {
            Outcome = PlanOutcome.SecondFactor, Reason = PlanReasons.SecondFactorRequired, Policy = UserPolicy.Default, Rule = EnrollmentRule.Default,
            SecondFactors = [Factor.WebAuthn, Factor.OtpToken, Factor.Push, Factor.TemporaryCode, Factor.Email],
        };

        var methods = RadiusSecondFactor.MethodsFor(plan, new RadiusClientProfile { Name = "vpn" });
        var pushOnly = RadiusSecondFactor.MethodsFor(plan, new RadiusClientProfile { Name = "vpn", Challenges = false });

        Assert.Equal(["code", "push", "e-mail"], methods.Select(m => m.Label));
        Assert.Equal([Factor.OtpToken, Factor.TemporaryCode], methods[0].Factors);
        Assert.Equal(["push"], pushOnly.Select(m => m.Label));
    }
}
