using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;

namespace Imprivata.Storage.Tests.Mfa.Codes;

public class CodeEnrollmentsTests
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Email_DefaultsToDirectoryAddress_ConfirmedWithCode()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("ann", "Ann@Example.org");

        var begun = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Email, null, Ct);
        Assert.True(begun.Succeeded, begun.Error);
        Assert.False(begun.Enrollment!.Confirmed);
        Assert.Matches(@"^Your verification code is \d{6}\.", rig.Carrier.Sent.Single().Text);

        var confirmed = await rig.CodeEnrollments.ConfirmAsync(user.Id, begun.Enrollment.Id, rig.LastCodeTo("Ann@example.org"), Ct);

        Assert.True(confirmed.Succeeded, confirmed.Error);
        var stored = await rig.Enrollments.FindAsync(user.Id, begun.Enrollment.Id, Ct);
        Assert.True(stored!.Confirmed);
        Assert.Equal(Factor.Email, stored.Factor);
        Assert.Equal("Ann@example.org", stored.Destination);
        Assert.Equal("A***@example.org", stored.Label);
    }

    [Fact]
    public async Task Phone_WrongCode_StaysUnconfirmed()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("bob");
        var begun = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+1 555 010 0002", Ct);
        var code = rig.LastCodeTo("+15550100002");

        var confirmed = await rig.CodeEnrollments.ConfirmAsync(user.Id, begun.Enrollment!.Id, code == "999999" ? "999998" : "999999", Ct);

        Assert.Equal(CodeErrors.WrongCode, confirmed.Error);
        Assert.False((await rig.Enrollments.FindAsync(user.Id, begun.Enrollment.Id, Ct))!.Confirmed);
    }

    [Fact]
    public async Task Phone_NotE164_RefusedWithoutEnrollmentOrMessage()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("carl");

        var begun = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "555-0100", Ct);

        Assert.Equal(CodeErrors.InvalidDestination, begun.Error);
        Assert.Empty(await rig.Enrollments.ListAsync(user.Id, Ct));
        Assert.Empty(rig.Carrier.Sent);
    }

    [Fact]
    public async Task Phone_NoNumberGiven_NoDestination()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("dina");

        Assert.Equal(CodeErrors.NoDestination, (await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, " ", Ct)).Error);
    }

    [Fact]
    public async Task SecondBegin_ReplacesPendingEnrollment_FirstCodeVoid()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("erin");
        var first = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100003", Ct);
        var firstCode = rig.LastCodeTo("+15550100003");
        var second = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100004", Ct);

        var pending = Assert.Single(await rig.Enrollments.ListAsync(user.Id, Ct));
        Assert.Equal(second.Enrollment!.Id, pending.Id);
        Assert.Equal(CodeErrors.NotFound, (await rig.CodeEnrollments.ConfirmAsync(user.Id, first.Enrollment!.Id, firstCode, Ct)).Error);
        Assert.True((await rig.CodeEnrollments.ConfirmAsync(user.Id, second.Enrollment.Id, rig.LastCodeTo("+15550100004"), Ct)).Succeeded);
    }

    [Fact]
    public async Task SameNumberTwice_AlreadyEnrolled()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("fay");
        await rig.EnrollPhoneAsync(user.Id, "+15550100005");

        var again = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+1 555 010 0005", Ct);

        Assert.Equal(CodeErrors.AlreadyEnrolled, again.Error);
    }

    [Fact]
    public async Task Resend_NewCodeWorks()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("gus");
        var begun = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100006", Ct);

        var resent = await rig.CodeEnrollments.ResendAsync(user.Id, begun.Enrollment!.Id, Ct);

        Assert.True(resent.Succeeded, resent.Error);
        Assert.Equal(2, rig.Carrier.Sent.Count);
        Assert.True((await rig.CodeEnrollments.ConfirmAsync(user.Id, begun.Enrollment.Id, rig.LastCodeTo("+15550100006"), Ct)).Succeeded);
    }

    [Fact]
    public async Task SignIn_SmsCode_SucceedsWithAmrSms_AndMarksLastUsed()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("hal");
        var enrollment = await rig.EnrollPhoneAsync(user.Id, "+15550100007");
        rig.Time.Advance(TimeSpan.FromMinutes(1));

        var sent = await rig.SignIns.SendAsync(user.Id, enrollment.Id, Ct);
        var result = await rig.SignIns.VerifyAsync(user.Id, CodeChannel.Sms, rig.LastCodeTo("+15550100007"), Ct);

        Assert.True(sent.Succeeded, sent.Error);
        Assert.Matches(@"^Your sign-in code is", rig.Carrier.Sent.Last().Text);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("sms", result.Amr);
        Assert.Equal(rig.Time.GetUtcNow(), (await rig.Enrollments.FindAsync(user.Id, enrollment.Id, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task SignIn_EnrollmentCode_DoesNotSignIn()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("ida");
        var begun = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100008", Ct);

        var result = await rig.SignIns.VerifyAsync(user.Id, CodeChannel.Sms, rig.LastCodeTo("+15550100008"), Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(CodeErrors.NoCode, result.Error);
        Assert.NotNull(begun.Enrollment);
    }

    [Fact]
    public async Task SignIn_UnconfirmedEnrollment_NoCodeSent()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("jon");
        var begun = await rig.CodeEnrollments.BeginAsync(user.Id, CodeChannel.Sms, "+15550100010", Ct);

        var sent = await rig.SignIns.SendAsync(user.Id, begun.Enrollment!.Id, Ct);

        Assert.Equal(CodeErrors.NotFound, sent.Error);
        Assert.Single(rig.Carrier.Sent);
    }

    [Fact]
    public async Task SignIn_EnrollmentRemovedAfterSend_Refused()
    {
        var rig = new CodeRig();
        var user = await rig.AddUserAsync("kim");
        var enrollment = await rig.EnrollPhoneAsync(user.Id, "+15550100011");
        await rig.SignIns.SendAsync(user.Id, enrollment.Id, Ct);
        await rig.Enrollments.DeleteAsync(user.Id, enrollment.Id, Ct);

        var result = await rig.SignIns.VerifyAsync(user.Id, CodeChannel.Sms, rig.LastCodeTo("+15550100011"), Ct);

        Assert.Equal(CodeErrors.NotFound, result.Error);
    }
}
