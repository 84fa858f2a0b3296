using System.Buffers.Text;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa.Push;

namespace Imprivata.Functions.Tests.Mfa.Push;

public class PushApprovalTests
{
    private const string User = "u-alice";

    [Fact]
    public async Task Send_NumberMatching_TwoDigitNumberThirtySecondsAndDeadlineScheduled()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);

        var sent = await world.SendAsync(User, numberMatching: true);

        Assert.True(sent.Succeeded);
        var challenge = sent.Challenge!;
        Assert.InRange(sent.MatchNumber!.Value, 10, 99);
        Assert.Equal(PushWorld.Start + TimeSpan.FromSeconds(30), challenge.ExpiresAt);
        Assert.Equal(phone.Enrollment.Id, challenge.EnrollmentId);
        Assert.True(Base64Url.DecodeFromChars(challenge.Id).Length >= 16, "challenge id carries at least 128 random bits");
        Assert.Equal((challenge.Id, challenge.ExpiresAt), Assert.Single(world.Deadlines.Scheduled));
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(challenge.Id)).State);
    }

    [Fact]
    public async Task Send_NoApproverDevice_RefusedAndAudited()
    {
        var world = new PushWorld();

        var sent = await world.SendAsync(User);

        Assert.False(sent.Succeeded);
        Assert.Equal(PushReasons.NoDevice, sent.Refusal);
        Assert.Equal(PushReasons.NoDevice, Assert.Single(world.Events("push.send")).Reason);
    }

    [Fact]
    public async Task Decide_TwoApprovalsRacing_ExactlyOneApproved()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => world.DecideAsync(phone, id, PushDecisionKind.Approve))));

        Assert.Single(results, r => r.Recorded);
        Assert.All(results.Where(r => !r.Recorded), r => Assert.Equal(PushReasons.NotPending, r.Error));
        Assert.Equal(PushState.Approved, (await world.ChallengeAsync(id)).State);
        Assert.Single(world.Events("push.approve"));
    }

    [Fact]
    public async Task Decide_ApproveAndDenyRacing_ExactlyOneFinalStateWins()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;

        var approve = Task.Run(() => world.DecideAsync(phone, id, PushDecisionKind.Approve));
        var deny = Task.Run(() => world.DecideAsync(phone, id, PushDecisionKind.Deny));
        var results = await Task.WhenAll(approve, deny);

        var winner = Assert.Single(results, r => r.Recorded);
        Assert.Equal(winner.State, (await world.ChallengeAsync(id)).State);
    }

    [Fact]
    public async Task TryUpdate_ApproveAndExpireFromSameRead_ExactlyOneWins()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync(User);
        var read = (await world.SendAsync(User)).Challenge!;
        read = await world.ChallengeAsync(read.Id);

        var writes = await Task.WhenAll(
            Task.Run(() => world.Store.TryUpdateAsync(read with { State = PushState.Approved, Reason = PushReasons.Approved }, CancellationToken.None)),
            Task.Run(() => world.Store.TryUpdateAsync(read with { State = PushState.Expired, Reason = PushReasons.Expired }, CancellationToken.None)));

        var winner = Assert.Single(writes, w => w is not null);
        Assert.Equal(winner!.State, (await world.ChallengeAsync(read.Id)).State);
    }

    [Fact]
    public async Task Decide_ApproveRacingNewPush_ChallengeEndsApprovedOrCancelledNeverBoth()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;

        var decision = Task.Run(() => world.DecideAsync(phone, id, PushDecisionKind.Approve));
        var second = Task.Run(() => world.SendAsync(User));
        await Task.WhenAll(decision, second);
        var recorded = (await decision).Recorded;

        var final = (await world.ChallengeAsync(id)).State;
        Assert.Contains(final, new[] { PushState.Approved, PushState.Cancelled });
        Assert.Equal(final == PushState.Approved, recorded);
    }

    [Fact]
    public async Task Decide_AfterExpiry_RejectedExpiredAndAudited()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;

        world.Time.Advance(TimeSpan.FromSeconds(30));
        var result = await world.DecideAsync(phone, id, PushDecisionKind.Approve);

        Assert.False(result.Recorded);
        Assert.Equal(PushReasons.Expired, result.Error);
        Assert.Equal(PushState.Expired, (await world.ChallengeAsync(id)).State);
        var audit = Assert.Single(world.Events("push.decision"));
        Assert.Equal((AuditResults.Failure, PushReasons.Expired), (audit.Result, audit.Reason));
        Assert.Empty(world.Events("push.approve"));
    }

    [Fact]
    public async Task Decide_ApprovalAfterDeadlineExpired_RejectedNotPending()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        world.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(DeadlineOutcome.Expired, await world.Push.ExpireIfPendingAsync(id, CancellationToken.None));

        var result = await world.DecideAsync(phone, id, PushDecisionKind.Approve);

        Assert.Equal(PushReasons.NotPending, result.Error);
        Assert.Contains("state=expired", Assert.Single(world.Events("push.decision")).Detail);
    }

    [Fact]
    public async Task Decide_ApprovedTwice_SecondRejectedAndAudited()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        var decision = phone.Decision(id, PushDecisionKind.Approve);

        var first = await world.Push.DecideAsync(decision, CancellationToken.None);
        var replay = await world.Push.DecideAsync(decision, CancellationToken.None);

        Assert.Equal(PushState.Approved, first.State);
        Assert.Equal(PushReasons.NotPending, replay.Error);
        Assert.Equal(PushReasons.NotPending, Assert.Single(world.Events("push.decision")).Reason);
    }

    [Fact]
    public async Task Decide_RightNumber_Approved()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var sent = await world.SendAsync(User, numberMatching: true);

        var result = await world.DecideAsync(phone, sent.Challenge!.Id, PushDecisionKind.Approve, sent.MatchNumber!.Value.ToString());

        Assert.Equal(PushState.Approved, result.State);
    }

    [Fact]
    public async Task Decide_WrongNumber_DeniedAndFailureCounted()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var sent = await world.SendAsync(User, numberMatching: true);
        var wrong = (sent.MatchNumber!.Value == 99 ? 10 : sent.MatchNumber.Value + 1).ToString();

        var result = await world.DecideAsync(phone, sent.Challenge!.Id, PushDecisionKind.Approve, wrong);

        Assert.Equal((PushState.Denied, PushReasons.WrongNumber), (result.State!.Value, result.Reason!));
        Assert.Equal(PushState.Denied, (await world.ChallengeAsync(sent.Challenge.Id)).State);
        var state = await world.Push.UserStateAsync(User, CancellationToken.None);
        Assert.Equal(1, state.WrongNumberFailures);
        Assert.Equal(PushReasons.WrongNumber, Assert.Single(world.Events("push.deny")).Reason);
    }

    [Fact]
    public async Task Decide_Approved_ApproverLastUsedIsTheDecisionTime()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var sent = await world.SendAsync(User, numberMatching: true);
        world.Time.Advance(TimeSpan.FromSeconds(12));

        await world.DecideAsync(phone, sent.Challenge!.Id, PushDecisionKind.Approve, sent.MatchNumber!.Value.ToString());

        var device = await world.Enrollments.FindAsync(User, phone.Enrollment.Id, CancellationToken.None);
        Assert.Equal(PushWorld.Start + TimeSpan.FromSeconds(12), device!.LastUsedAt);
        // The rest of the enrollment is untouched: the phone keeps signing with the same key and showing the same codes.
        Assert.Equal(phone.Enrollment.PublicKey, device.PublicKey);
        Assert.Equal(phone.Enrollment.Secret, device.Secret);
    }

    [Theory]
    [InlineData(PushDecisionKind.Deny)]
    [InlineData(PushDecisionKind.ReportFraud)]
    [InlineData(PushDecisionKind.Approve)] // with the wrong number
    public async Task Decide_NotApproved_ApproverNeverMarkedUsed(PushDecisionKind kind)
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var sent = await world.SendAsync(User, numberMatching: true);

        var wrong = (sent.MatchNumber!.Value == 99 ? 10 : sent.MatchNumber.Value + 1).ToString();

        var result = await world.DecideAsync(phone, sent.Challenge!.Id, kind, wrong);

        Assert.Equal(PushState.Denied, result.State);
        Assert.Null((await world.Enrollments.FindAsync(User, phone.Enrollment.Id, CancellationToken.None))!.LastUsedAt);
    }

    [Fact]
    public async Task Decide_NumberMatchingOnButNoNumber_Denied()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var sent = await world.SendAsync(User, numberMatching: true);

        var result = await world.DecideAsync(phone, sent.Challenge!.Id, PushDecisionKind.Approve);

        Assert.Equal(PushReasons.WrongNumber, result.Reason);
    }

    [Fact]
    public async Task Decide_BadSignature_RejectedChallengeStaysPending()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        var decision = phone.Decision(id, PushDecisionKind.Approve);
        decision.Signature[10] ^= 1;

        var result = await world.Push.DecideAsync(decision, CancellationToken.None);

        Assert.Equal(PushReasons.BadSignature, result.Error);
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(id)).State);
        Assert.Equal(PushReasons.BadSignature, Assert.Single(world.Events("push.decision")).Reason);
    }

    [Fact]
    public async Task Decide_SignedByAnotherDevice_Rejected()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var other = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User, enrollmentId: phone.Enrollment.Id)).Challenge!.Id;

        var result = await world.DecideAsync(other, id, PushDecisionKind.Approve);

        Assert.Equal(PushReasons.BadSignature, result.Error);
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(id)).State);
    }

    [Fact]
    public async Task Decide_SignatureOverAnotherChallenge_Rejected()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var first = (await world.SendAsync(User)).Challenge!.Id;
        var bob = await world.EnrollPhoneAsync("u-bob");
        var second = (await world.SendAsync("u-bob")).Challenge!.Id;
        var signedForFirst = phone.Decision(first, PushDecisionKind.Approve);

        var result = await world.Push.DecideAsync(signedForFirst with { ChallengeId = second }, CancellationToken.None);

        Assert.Equal(PushReasons.BadSignature, result.Error);
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(second)).State);
        _ = bob;
    }

    [Fact]
    public async Task Decide_DenySignatureTurnedIntoApprove_Rejected()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        var deny = phone.Decision(id, PushDecisionKind.Deny);

        var result = await world.Push.DecideAsync(deny with { Kind = PushDecisionKind.Approve }, CancellationToken.None);

        Assert.Equal(PushReasons.BadSignature, result.Error);
    }

    [Fact]
    public async Task Decide_UnknownChallenge_RejectedAndAudited()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);

        var result = await world.DecideAsync(phone, "no-such-challenge", PushDecisionKind.Approve);

        Assert.Equal(PushReasons.UnknownChallenge, result.Error);
        Assert.Single(world.Events("push.decision"));
    }

    [Fact]
    public async Task Send_FourthWithinFiveMinutes_RefusedThenAllowedAfterWindow()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync(User);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await world.SendAsync(User)).Succeeded);
            world.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var fourth = await world.SendAsync(User);
        Assert.Equal(PushReasons.RateLimited, fourth.Refusal);
        Assert.Contains(world.Events("push.send"), e => e.Reason == PushReasons.RateLimited);

        // The first send (t=0) leaves the 5-minute window at t=5 min.
        world.Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.True((await world.SendAsync(User)).Succeeded);
    }

    [Fact]
    public async Task Send_RateLimit_IsPerUser()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync(User);
        await world.EnrollPhoneAsync("u-bob");
        for (var i = 0; i < 3; i++)
            await world.SendAsync(User);

        Assert.True((await world.SendAsync("u-bob")).Succeeded);
    }

    [Fact]
    public async Task Send_NewPush_CancelsPendingOne()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var first = (await world.SendAsync(User)).Challenge!.Id;

        var second = (await world.SendAsync(User)).Challenge!.Id;

        Assert.Equal((PushState.Cancelled, PushReasons.Superseded), ((await world.ChallengeAsync(first)).State, (await world.ChallengeAsync(first)).Reason!));
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(second)).State);
        Assert.Equal(PushReasons.NotPending, (await world.DecideAsync(phone, first, PushDecisionKind.Approve)).Error);
        Assert.Equal([second], (await world.Push.PendingForDeviceAsync(User, phone.Enrollment.Id, CancellationToken.None)).Select(c => c.Id));
    }

    [Fact]
    public async Task Decide_ReportFraud_DeniesStopsPushesAlertsAndIsListedUntilCleared()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;

        var result = await world.DecideAsync(phone, id, PushDecisionKind.ReportFraud);

        Assert.Equal((PushState.Denied, PushReasons.FraudReported), (result.State!.Value, result.Reason!));
        Assert.True((await world.ChallengeAsync(id)).FraudReported);
        var alert = Assert.Single(world.Events("push.fraud_reported"));
        Assert.Equal(User, alert.UserId);
        Assert.Equal(PushReasons.FraudBlocked, (await world.SendAsync(User)).Refusal);
        var listed = Assert.Single(await world.Push.FraudBlockedAsync(CancellationToken.None));
        Assert.Equal((User, "Payroll", "203.0.113.7"), (listed.UserId, listed.FraudAppName, listed.FraudClientIp));

        Assert.True(await world.Push.ClearFraudBlockAsync(User, CancellationToken.None));

        Assert.Empty(await world.Push.FraudBlockedAsync(CancellationToken.None));
        Assert.True((await world.SendAsync(User)).Succeeded);
        Assert.False(await world.Push.ClearFraudBlockAsync(User, CancellationToken.None));
    }

    [Fact]
    public async Task Status_PendingPastDeadlineWithoutDeadlineMessage_ReadsExpired()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        Assert.Equal(PushState.Pending, (await world.Push.StatusAsync(id, CancellationToken.None))!.State);

        world.Time.Advance(TimeSpan.FromSeconds(30));
        var status = await world.Push.StatusAsync(id, CancellationToken.None);

        Assert.Equal(PushState.Expired, status!.State);
        Assert.Equal(PushState.Expired, (await world.ChallengeAsync(id)).State);
        Assert.Single(world.Events("push.expire"));
    }

    [Fact]
    public async Task ExpireIfPending_BeforeDeadline_NotYetDueAndStillPending()
    {
        var world = new PushWorld();
        await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        world.Time.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal(DeadlineOutcome.NotYetDue, await world.Push.ExpireIfPendingAsync(id, CancellationToken.None));
        Assert.Equal(PushState.Pending, (await world.ChallengeAsync(id)).State);
    }

    [Fact]
    public async Task ExpireIfPending_AfterApproval_LeavesItApproved()
    {
        var world = new PushWorld();
        var phone = await world.EnrollPhoneAsync(User);
        var id = (await world.SendAsync(User)).Challenge!.Id;
        await world.DecideAsync(phone, id, PushDecisionKind.Approve);
        world.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(DeadlineOutcome.AlreadyFinal, await world.Push.ExpireIfPendingAsync(id, CancellationToken.None));
        Assert.Equal(PushState.Approved, (await world.Push.StatusAsync(id, CancellationToken.None))!.State);
    }
}
