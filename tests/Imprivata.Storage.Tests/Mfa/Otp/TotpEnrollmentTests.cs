using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Microsoft.Extensions.Time.Testing;
using OtpNet;

namespace Imprivata.Storage.Tests.Mfa.Otp;

public sealed class TotpEnrollmentTests
{
    private readonly MfaStores _stores = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_900_000_005));
    private readonly TotpEnrollment _enrollment;
    private readonly OtpTokenVerifier _verifier;

    public TotpEnrollmentTests()
    {
        var options = new OtpOptions { Issuer = "Example Health" };
        _enrollment = new TotpEnrollment(_stores.Enrollments, options, _time);
        _verifier = new OtpTokenVerifier(_stores.Enrollments, options, _time);
    }

    [Fact]
    public async Task Begin_GivesOtpauthUriWith160BitSeed_Unconfirmed()
    {
        var start = await _enrollment.BeginAsync("u1", "alice@example.org", null, default);
        var uri = new Uri(start.OtpAuthUri);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.Equal("/Example%20Health:alice%40example.org", uri.AbsolutePath);
        Assert.Contains("issuer=Example%20Health", uri.Query);
        Assert.Contains("algorithm=SHA1&digits=6&period=30", uri.Query);
        Assert.Contains("secret=" + start.ManualEntryKey, uri.Query);
        Assert.Equal(20, Base32Encoding.ToBytes(start.ManualEntryKey).Length);

        var stored = await _stores.Enrollments.FindAsync("u1", start.EnrollmentId, default);
        Assert.False(stored!.Confirmed);
        Assert.Equal(TotpEnrollment.DefaultLabel, stored.Label);
        // Not usable to log in before it is confirmed.
        var code = OtpCode.Compute(stored.Secret!, stored.Otp!, OtpCode.TimeStep(_time.GetUtcNow(), 30));
        Assert.Equal(OtpReasons.NotEnrolled, (await _verifier.VerifyAsync("u1", code, default)).Reason);
    }

    [Fact]
    public async Task Confirm_RightCode_ConfirmedAndThatCodeCannotLogIn()
    {
        var start = await _enrollment.BeginAsync("u2", "bob", "My phone", default);
        var seed = Base32Encoding.ToBytes(start.ManualEntryKey);
        var code = OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(_time.GetUtcNow(), 30));
        Assert.Equal(OtpReasons.WrongCode, (await _enrollment.ConfirmAsync("u2", start.EnrollmentId, code == "000000" ? "000001" : "000000", default)).Reason);
        var confirmed = await _enrollment.ConfirmAsync("u2", start.EnrollmentId, code, default);
        Assert.True(confirmed.Succeeded);
        Assert.True(confirmed.Enrollment!.Confirmed);
        Assert.Equal("My phone", confirmed.Enrollment.Label);
        Assert.Equal(OtpReasons.ReplayedCode, (await _verifier.VerifyAsync("u2", code, default)).Reason);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await _verifier.VerifyAsync("u2", OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(_time.GetUtcNow(), 30)), default)).Succeeded);
        Assert.Equal(OtpReasons.AlreadyConfirmed, (await _enrollment.ConfirmAsync("u2", start.EnrollmentId, code, default)).Reason);
    }

    [Fact]
    public async Task Confirm_AfterTenMinutes_Expired_AndRestartDropsTheOldSeed()
    {
        var first = await _enrollment.BeginAsync("u3", "carol", null, default);
        _time.Advance(TimeSpan.FromMinutes(11));
        var seed = Base32Encoding.ToBytes(first.ManualEntryKey);
        var code = OtpCode.Compute(seed, TotpEnrollment.AppParameters, OtpCode.TimeStep(_time.GetUtcNow(), 30));
        Assert.Equal(OtpReasons.EnrollmentExpired, (await _enrollment.ConfirmAsync("u3", first.EnrollmentId, code, default)).Reason);
        var second = await _enrollment.BeginAsync("u3", "carol", null, default);
        var remaining = await _stores.Enrollments.ListAsync("u3", default);
        Assert.Equal(second.EnrollmentId, Assert.Single(remaining).Id);
    }
}
