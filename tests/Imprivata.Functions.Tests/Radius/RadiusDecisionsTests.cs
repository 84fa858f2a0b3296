using System.Text.Json.Nodes;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Policies;
using Imprivata.Core.Radius;
using Imprivata.Functions.Radius;
using Imprivata.RadiusEdge.Contract;
using FirstFactorMode = Imprivata.Core.Radius.FirstFactorMode;
using Imprivata.Testing.Radius;

namespace Imprivata.Functions.Tests.Radius;

/// <summary>The decision for a first request over the bridge: client profile, first factor, non-licensed access, policy.</summary>
public sealed class RadiusDecisionsTests(RadiusWorld world) : IClassFixture<RadiusWorld>
{
    private const string Password = RadiusBackend.Password;

    [Fact]
    public async Task FirstRequest_UnenrolledWithPasswordOnlyGrace_AcceptAudited()
    {
        await world.Backend.GoLiveAsync([Factor.Push, Factor.Sms]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("grace"));

        var decision = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Accept, PlanReasons.UnenrolledPasswordOnly), (decision.Kind, decision.Reason));
        var audited = Assert.Single(await world.AuditAsync("radius.", user.Username));
        Assert.Equal((AuditKinds.RadiusAccept, AuditResults.Success, user.Id, client.Name, "127.0.0.1", "password"),
            (audited.Kind, audited.Result, audited.UserId, audited.ClientId, audited.Ip, audited.Methods));
        Assert.Equal($"edge={world.Edge.EdgeId} nas={client.Name}", audited.Detail);
        Assert.Equal(decision.RequestId, audited.RequestId);
    }

    [Fact]
    public async Task FirstRequest_WorkflowNotLiveForTheUser_AcceptWithThePassword()
    {
        await world.Backend.Get<IPolicyStore>().SaveWorkflowPolicyAsync(new WorkflowPolicy(), CancellationToken.None);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("pilot"));

        var decision = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Accept, PlanReasons.WorkflowNotAssociated), (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task FirstRequest_EnrollmentCannotWait_RejectSayingSo()
    {
        await world.Backend.GoLiveAsync([Factor.Push], rule: EnrollmentRule.Default with { MayDelay = false });
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("forced"));

        var decision = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Reject, RadiusReasons.EnrollmentRequired, RadiusTexts.EnrollFirst), (decision.Kind, decision.Reason, decision.ReplyMessage));
        await world.Backend.GoLiveAsync([Factor.Push], rule: EnrollmentRule.Default);
    }

    [Fact]
    public async Task FirstRequest_UnenrolledAndBlocked_RejectWithThePlansReason()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken], rule: EnrollmentRule.Default with { UnenrolledAccess = UnenrolledAccess.DifferentLoginMethod, Prompt = EnrollmentPrompt.NotPrompted });
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("blocked"));

        var decision = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Reject, PlanReasons.UnenrolledBlocked), (decision.Kind, decision.Reason));
        await world.Backend.GoLiveAsync([Factor.Push], rule: EnrollmentRule.Default);
    }

    [Fact]
    public async Task FirstRequest_UnknownUserWrongPasswordDisabledUnlicensed_SameRejectDifferentReasons()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("ann"));
        var disabled = await world.Backend.AddUserAsync(RadiusWorld.Unique("dis"), enabled: false);
        var unlicensed = await world.Backend.AddUserAsync(RadiusWorld.Unique("nolic"), licensed: false);

        var unknown = await world.AskAsync(RadiusWorld.Unique("nobody"), Password, client);
        var wrong = await world.AskAsync(user.Username, "not the password at all", client);
        var off = await world.AskAsync(disabled.Username, Password, client);
        var notLicensed = await world.AskAsync(unlicensed.Username, Password, client);

        Assert.Equal([AuditReasons.UnknownUser, AuditReasons.BadCredentials, AuditReasons.UserDisabled, AuditReasons.NotLicensed],
            new[] { unknown, wrong, off, notLicensed }.Select(d => d.Reason));
        Assert.All(new[] { unknown, wrong, off, notLicensed }, d => Assert.Equal((DecisionKind.Reject, RadiusTexts.Denied), (d.Kind, d.ReplyMessage)));
    }

    [Fact]
    public async Task FirstRequest_NonLicensedAccessOnTheClient_AcceptWithThePasswordAlone()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await world.ClientAsync(c => c with { NonLicensedAccess = true });
        var unlicensed = await world.Backend.AddUserAsync(RadiusWorld.Unique("contractor"), licensed: false);

        var decision = await world.AskAsync(unlicensed.Username, Password, client);
        var wrong = await world.AskAsync(unlicensed.Username, "not the password at all", client);

        Assert.Equal((DecisionKind.Accept, RadiusReasons.NonLicensedAccess), (decision.Kind, decision.Reason));
        Assert.Equal((DecisionKind.Reject, AuditReasons.BadCredentials), (wrong.Kind, wrong.Reason));
    }

    [Fact]
    public async Task FirstRequest_UnknownUser_AuditedAsAFingerprintNeverAsTyped()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await world.ClientAsync();
        // A password typed into the username field of a VPN client.
        var typed = RadiusWorld.Unique("Summer2026!");

        await world.AskAsync(typed, Password, client);

        var events = await world.AuditAsync("radius.");
        Assert.DoesNotContain(events, e => (e.Username ?? "").Contains(typed, StringComparison.OrdinalIgnoreCase)
            || (e.Detail ?? "").Contains(typed, StringComparison.OrdinalIgnoreCase));
        var expected = await world.Backend.Get<AuditedUsernames>().OfTypedAsync(typed, CancellationToken.None);
        Assert.StartsWith(AuditedUsernames.UnknownPrefix, expected);
        Assert.Contains(events, e => e.Username == expected && e.Reason == AuditReasons.UnknownUser);
    }

    [Fact]
    public async Task FirstRequest_UnknownDisabledOrWrongAddressClient_Reject()
    {
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("bea"));
        var off = await world.ClientAsync(c => c with { Enabled = false });
        var pinned = await world.ClientAsync(c => c with { NasAddresses = ["10.1.0.0/16"] });

        var unknown = await world.AskAsync(user.Username, Password, new RadiusClientProfile { Name = RadiusWorld.Unique("nowhere") });
        var disabled = await world.AskAsync(user.Username, Password, off);
        var elsewhere = await world.AskAsync(user.Username, Password, pinned, nas: "10.2.0.1");

        Assert.Equal([RadiusReasons.UnknownClient, RadiusReasons.ClientDisabled, RadiusReasons.NasAddressNotAllowed], new[] { unknown, disabled, elsewhere }.Select(d => d.Reason));
        Assert.All(new[] { unknown, disabled, elsewhere }, d => Assert.Equal(DecisionKind.Reject, d.Kind));
    }

    [Fact]
    public async Task FirstRequest_PasswordThrottledLikeTheWebSignIn_RejectedEvenWithTheRightPassword()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("guessed"));
        // The count of wrong passwords the web sign-in keeps (here: twenty, the last just now).
        var counters = new Storage.Mfa.TableThrottleStore(world.Backend.Get<Storage.Tables.TableSet>(), Storage.Mfa.TableThrottleStore.Passwords);
        Assert.NotNull(await counters.TrySaveAsync(user.Id, new ThrottleState(20, DateTimeOffset.UtcNow), CancellationToken.None));

        var right = await world.AskAsync(user.Username, Password, client);

        Assert.Equal((DecisionKind.Reject, AuditReasons.Throttled, RadiusTexts.Denied), (right.Kind, right.Reason, right.ReplyMessage));
    }

    [Fact]
    public async Task FirstRequest_SealedToAnotherKeyOrWithoutPassword_Reject()
    {
        var client = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("seal"));

        var otherKey = await world.Edge.AskAsync(world.Edge.Request(user.Username, Password, client.Name, keyId: "not-our-key"));
        var none = await world.AskAsync(user.Username, null, client);

        Assert.Equal((DecisionKind.Reject, RadiusReasons.SealNotOpened), (otherKey.Kind, otherKey.Reason));
        Assert.Equal((DecisionKind.Reject, RadiusReasons.NoPassword), (none.Kind, none.Reason));
    }

    [Fact]
    public async Task FirstRequest_LdapModeClient_TrustsTheEdgesBindAndRefusesAClaimTheProfileDoesNotMake()
    {
        await world.Backend.GoLiveAsync([Factor.Push]);
        var ldap = await world.ClientAsync(c => c with { FirstFactor = FirstFactorMode.Ldap });
        var directory = await world.ClientAsync();
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("ldap"));
        static Action<JsonObject> Bound(bool passed) => r => r["firstFactor"] = new JsonObject { ["mode"] = "ldap", ["passed"] = passed, ["groups"] = new JsonArray() };

        var passed = await world.AskAsync(user.Username, null, ldap, change: Bound(true));
        var failed = await world.AskAsync(user.Username, null, ldap, change: Bound(false));
        var claimed = await world.AskAsync(user.Username, null, directory, change: Bound(true));
        var unsaid = await world.AskAsync(user.Username, Password, ldap);

        Assert.Equal((DecisionKind.Accept, PlanReasons.UnenrolledPasswordOnly), (passed.Kind, passed.Reason));
        Assert.Equal((DecisionKind.Reject, AuditReasons.BadCredentials), (failed.Kind, failed.Reason));
        Assert.Equal((DecisionKind.Reject, RadiusReasons.FirstFactorMismatch), (claimed.Kind, claimed.Reason));
        Assert.Equal((DecisionKind.Reject, RadiusReasons.FirstFactorMismatch), (unsaid.Kind, unsaid.Reason));
    }

    [Fact]
    public async Task FirstRequest_LdapUserTheDirectoryDoesNotKnow_OnlyWithNonLicensedAccess()
    {
        var open = await world.ClientAsync(c => c with { FirstFactor = FirstFactorMode.Ldap, NonLicensedAccess = true });
        var closed = await world.ClientAsync(c => c with { FirstFactor = FirstFactorMode.Ldap });
        void Bound(JsonObject r) => r["firstFactor"] = new JsonObject { ["mode"] = "ldap", ["passed"] = true };

        var allowed = await world.AskAsync(RadiusWorld.Unique("stranger"), null, open, change: Bound);
        var refused = await world.AskAsync(RadiusWorld.Unique("stranger"), null, closed, change: Bound);

        Assert.Equal((DecisionKind.Accept, RadiusReasons.NonLicensedAccess), (allowed.Kind, allowed.Reason));
        Assert.Equal((DecisionKind.Reject, AuditReasons.UnknownUser), (refused.Kind, refused.Reason));
    }

    [Fact]
    public async Task FirstRequest_GatewayCheckedThePassword_SecondFactorOnly()
    {
        await world.Backend.GoLiveAsync([Factor.OtpToken]);
        var client = await world.ClientAsync(c => c with { FirstFactor = FirstFactorMode.None });
        var user = await world.Backend.AddUserAsync(RadiusWorld.Unique("none"));
        using var phone = await ApproverPhone.RegisterAsync(world.Backend.Service, user);

        var challenge = await world.AskAsync(user.Username, null, client, change: r => r["firstFactor"] = new JsonObject { ["mode"] = "none", ["passed"] = true });
        Assert.Equal(DecisionKind.Challenge, challenge.Kind);
        var decision = await world.AskAsync(user.Username, RadiusWorld.TotpOf(phone), client, challenge.State,
            change: r => r["firstFactor"] = new JsonObject { ["mode"] = "none", ["passed"] = true });

        Assert.Equal((DecisionKind.Accept, RadiusReasons.CodeAccepted), (decision.Kind, decision.Reason));
        Assert.Equal("otp", Assert.Single(await world.AuditAsync(AuditKinds.RadiusAccept, user.Username)).Methods);
    }

    [Fact]
    public async Task Request_PastItsDeadline_LeftUnansweredAndAudited()
    {
        var client = await world.ClientAsync();
        var user = RadiusWorld.Unique("late");
        var request = world.Edge.Request(user, Password, client.Name, deadline: TimeSpan.FromSeconds(-1));

        await world.Edge.SendAsync(request);

        // The name names nobody here, so the audit holds its keyed fingerprint.
        var audited = await world.Backend.Get<AuditedUsernames>().OfTypedAsync(user, CancellationToken.None);
        await WaitForAsync(async () => (await world.AuditAsync(AuditKinds.RadiusIgnored, audited)).Count == 1);
        Assert.Equal("deadline_passed", (await world.AuditAsync(AuditKinds.RadiusIgnored, audited)).Single().Reason);
        Assert.DoesNotContain(await world.Edge.DrainAsync(TimeSpan.FromSeconds(1)), d => d.RequestId == BridgeEdge.RequestIdOf(request));
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            await Task.Delay(100);
        }
    }
}
