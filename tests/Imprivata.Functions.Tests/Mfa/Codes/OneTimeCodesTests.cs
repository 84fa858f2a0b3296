using System.Text;
using Azure.Data.Tables;
using Imprivata.Core.Mfa.Codes;

namespace Imprivata.Functions.Tests.Mfa.Codes;

public class OneTimeCodesTests
{
    private const string Phone = "+15550100001";
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Issue_SixDigitCodeInMessage_WithExpiryText()
    {
        var rig = new CodeRig();

        var issue = await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);

        Assert.True(issue.Succeeded, issue.Error);
        Assert.Equal(rig.Time.GetUtcNow().AddMinutes(5), issue.ExpiresAt);
        Assert.Equal("+*********01", issue.MaskedDestination);
        var message = Assert.Single(rig.Carrier.Sent);
        Assert.Equal(Phone, message.To);
        Assert.Matches(@"^Your sign-in code is \d{6}\. It expires in 5 minutes\.$", message.Text);
    }

    [Fact]
    public async Task Verify_RightCode_AcceptedOnceThenNoCode()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var code = rig.LastCodeTo(Phone);

        var first = await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct);
        var second = await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct);

        Assert.Equal(CodeOutcome.Accepted, first.Outcome);
        Assert.Equal(Phone, first.Destination);
        Assert.Equal(CodeOutcome.NoCode, second.Outcome);
    }

    [Fact]
    public async Task Verify_AtExpiry_Expired()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var code = rig.LastCodeTo(Phone);

        rig.Time.Advance(TimeSpan.FromMinutes(5));
        var late = await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct);

        Assert.Equal(CodeOutcome.Expired, late.Outcome);
    }

    [Fact]
    public async Task Verify_JustBeforeExpiry_Accepted()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var code = rig.LastCodeTo(Phone);

        rig.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        Assert.True((await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct)).Accepted);
    }

    [Fact]
    public async Task Verify_SameCodeTwiceAtOnce_ExactlyOneAccepted()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var code = rig.LastCodeTo(Phone);
        using var start = new ManualResetEventSlim();

        var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(racers);

        Assert.Single(results, r => r.Accepted);
        Assert.All(results.Where(r => !r.Accepted), r => Assert.Equal(CodeOutcome.NoCode, r.Outcome));
    }

    [Fact]
    public async Task Resend_VoidsPreviousCode()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var old = rig.LastCodeTo(Phone);
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var fresh = rig.LastCodeTo(Phone);

        // Digits may repeat by chance (1 in a million); the old code must fail only when it differs.
        if (old != fresh)
            Assert.Equal(CodeOutcome.Wrong, (await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, old, Ct)).Outcome);
        Assert.True((await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, fresh, Ct)).Accepted);
    }

    [Fact]
    public async Task Resend_SameDigitsUnderOldId_DoNotMatchNewHash()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var first = await rig.Store.FindAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Ct);
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var second = await rig.Store.FindAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Ct);

        Assert.NotEqual(first!.CodeId, second!.CodeId);
        Assert.NotEqual(first.Hash, second.Hash);
    }

    [Fact]
    public async Task WrongCodes_ReachCap_CodeVoidEvenForRightCode()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var code = rig.LastCodeTo(Phone);
        var wrong = code == "000000" ? "111111" : "000000";

        var outcomes = new List<CodeOutcome>();
        for (var i = 0; i < 5; i++)
            outcomes.Add((await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, wrong, Ct)).Outcome);
        var right = await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct);

        Assert.Equal([CodeOutcome.Wrong, CodeOutcome.Wrong, CodeOutcome.Wrong, CodeOutcome.Wrong, CodeOutcome.TooManyAttempts], outcomes);
        Assert.Equal(CodeOutcome.TooManyAttempts, right.Outcome);
    }

    [Fact]
    public async Task Verify_NonDigitsOrEmpty_CountAsWrong()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);

        Assert.Equal(CodeOutcome.Wrong, (await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, "12ab56", Ct)).Outcome);
        Assert.Equal(CodeOutcome.Wrong, (await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, null, Ct)).Outcome);
        Assert.Equal(2, (await rig.Store.FindAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Ct))!.Attempts);
    }

    [Fact]
    public async Task Verify_OtherPurposeOrChannelOrUser_NoCode()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.Enrollment, Phone, Ct);
        var code = rig.LastCodeTo(Phone);

        Assert.Equal(CodeOutcome.NoCode, (await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, code, Ct)).Outcome);
        Assert.Equal(CodeOutcome.NoCode, (await rig.Codes.VerifyAsync("u1", CodeChannel.Email, CodePurpose.Enrollment, code, Ct)).Outcome);
        Assert.Equal(CodeOutcome.NoCode, (await rig.Codes.VerifyAsync("u2", CodeChannel.Sms, CodePurpose.Enrollment, code, Ct)).Outcome);
        Assert.True((await rig.Codes.VerifyAsync("u1", CodeChannel.Sms, CodePurpose.Enrollment, code, Ct)).Accepted);
    }

    [Fact]
    public async Task SendLimit_PerUser_SixthSendInWindowRefused_AllowedAfterWindow()
    {
        var rig = new CodeRig();
        for (var i = 0; i < 5; i++)
            Assert.True((await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, $"+1555010000{i}", Ct)).Succeeded);

        var sixth = await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, "+15550100009", Ct);
        var otherUser = await rig.Codes.IssueAsync("u2", CodeChannel.Sms, CodePurpose.SignIn, "+15550100009", Ct);
        rig.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var later = await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, "+15550100009", Ct);

        Assert.Equal(CodeErrors.Throttled, sixth.Error);
        Assert.True(otherUser.Succeeded, otherUser.Error);
        Assert.True(later.Succeeded, later.Error);
        Assert.Equal(7, rig.Carrier.Sent.Count);
    }

    [Fact]
    public async Task SendLimit_PerDestination_AcrossUsers_AndCaseOfEmail()
    {
        var rig = new CodeRig();
        for (var i = 0; i < 5; i++)
            Assert.True((await rig.Codes.IssueAsync($"user{i}", CodeChannel.Email, CodePurpose.SignIn, "Target@Example.org", Ct)).Succeeded);

        var sixth = await rig.Codes.IssueAsync("user9", CodeChannel.Email, CodePurpose.SignIn, "target@EXAMPLE.org", Ct);
        var sameUserOtherAddress = await rig.Codes.IssueAsync("user9", CodeChannel.Email, CodePurpose.SignIn, "other@example.org", Ct);

        Assert.Equal(CodeErrors.Throttled, sixth.Error);
        // The refused send gave back user9's slot: user9 still has all 5 sends.
        Assert.True(sameUserOtherAddress.Succeeded, sameUserOtherAddress.Error);
        for (var i = 0; i < 4; i++)
            Assert.True((await rig.Codes.IssueAsync("user9", CodeChannel.Email, CodePurpose.SignIn, $"x{i}@example.org", Ct)).Succeeded);
        Assert.Equal(CodeErrors.Throttled, (await rig.Codes.IssueAsync("user9", CodeChannel.Email, CodePurpose.SignIn, "y@example.org", Ct)).Error);
    }

    [Fact]
    public async Task SendLimit_ConcurrentSends_NeverMoreThanLimit_AndRefusalsLeaveBudget()
    {
        var rig = new CodeRig();
        using var start = new ManualResetEventSlim();

        var racers = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, $"+1555020000{i}", Ct);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(racers);
        var afterwards = 0;
        while ((await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, "+15550300000", Ct)).Succeeded)
            afterwards++;

        // Each racer takes a slot, then counts: when all ten count after all ten took theirs, every one steps back. That is
        // the send log's promise (never more than the limit, a refusal leaves nothing behind), not a bug; so 0 is allowed.
        Assert.InRange(results.Count(r => r.Succeeded), 0, 5);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(CodeErrors.Throttled, r.Error));
        // Refused racers removed their slots: together exactly the limit was sent.
        Assert.Equal(5, results.Count(r => r.Succeeded) + afterwards);
    }

    [Fact]
    public async Task StoredRow_HoldsOnlyAKeyedHash_NotTheCode()
    {
        var rig = new CodeRig();
        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);
        var code = rig.LastCodeTo(Phone);

        var table = await rig.Tables.GetAsync("OneTimeCodes");
        var row = Assert.Single(await table.QueryAsync<TableEntity>().ToListAsync());
        var codeBytes = Encoding.UTF8.GetBytes(code);
        foreach (var (name, value) in row)
        {
            if (value is string s)
                Assert.DoesNotContain(code, s, StringComparison.Ordinal);
            if (value is byte[] bytes)
                Assert.True(bytes.AsSpan().IndexOf(codeBytes) < 0, name + " contains the code");
        }
        var hash = row.GetBinary("Hash");
        Assert.Equal(32, hash!.Length);
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData(codeBytes), hash);
    }

    [Fact]
    public async Task Issue_CarrierFails_SendFailedAndCodeVoid()
    {
        var rig = new CodeRig();
        rig.Carrier.Fail = true;

        var issue = await rig.Codes.IssueAsync("u1", CodeChannel.Email, CodePurpose.SignIn, "a@example.org", Ct);

        Assert.Equal(CodeErrors.SendFailed, issue.Error);
        Assert.Equal(CodeState.Void, (await rig.Store.FindAsync("u1", CodeChannel.Email, CodePurpose.SignIn, Ct))!.State);
    }

    [Fact]
    public async Task Issue_InvalidDestination_RefusedWithoutSending()
    {
        var rig = new CodeRig();

        var issue = await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, "5550100", Ct);

        Assert.Equal(CodeErrors.InvalidDestination, issue.Error);
        Assert.Empty(rig.Carrier.Sent);
    }

    [Fact]
    public async Task Issue_EightDigitsAndTenMinutes_Honoured()
    {
        var rig = new CodeRig(new OneTimeCodeOptions { Digits = 8, Lifetime = TimeSpan.FromMinutes(10) });

        await rig.Codes.IssueAsync("u1", CodeChannel.Sms, CodePurpose.SignIn, Phone, Ct);

        Assert.Matches(@"^Your sign-in code is \d{8}\. It expires in 10 minutes\.$", rig.Carrier.Sent.Single().Text);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(11, 5)]
    [InlineData(6, 11)]
    [InlineData(6, 0)]
    public void Options_BelowTheFloor_Rejected(int digits, int minutes)
    {
        var options = new OneTimeCodeOptions { Digits = digits, Lifetime = TimeSpan.FromMinutes(minutes) };

        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
