using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Storage.Tests.Mfa.Otp;

/// <summary>The verifier on the real enrollment store (Azurite): persisted steps and counters, replays, and races.</summary>
public sealed class OtpTokenVerifierTests
{
    private readonly MfaStores _stores = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_900_000_005));
    private readonly OtpTokenVerifier _verifier;

    public OtpTokenVerifierTests() => _verifier = new OtpTokenVerifier(_stores.Enrollments, new OtpOptions(), _time);

    private async Task<Enrollment> EnrollAsync(string userId, OtpParameters p, long counter = 0, bool confirmed = true) =>
        await _stores.Enrollments.AddAsync(new Enrollment
        {
            Id = Guid.NewGuid().ToString("N"), UserId = userId, Factor = Factor.OtpToken, Confirmed = confirmed,
            Secret = RandomNumberGenerator.GetBytes(20), Otp = p, Counter = counter, CreatedAt = _time.GetUtcNow(),
        }, default);

    private long Step => OtpCode.TimeStep(_time.GetUtcNow(), 30);

    [Fact]
    public async Task Totp_CodeAccepted_StepStoredAndSameCodeThenReplayed()
    {
        var token = await EnrollAsync("u1", new OtpParameters());
        var code = OtpCode.Compute(token.Secret!, token.Otp!, Step);
        var first = await _verifier.VerifyAsync("u1", code, default);
        Assert.True(first.Succeeded);
        Assert.Equal(Step, (await _stores.Enrollments.FindAsync("u1", token.Id, default))!.Counter);
        Assert.Equal(OtpReasons.ReplayedCode, (await _verifier.VerifyAsync("u1", code, default)).Reason);
        // The previous step is now "at or before the last accepted": also a replay, though within the +-1 window.
        Assert.Equal(OtpReasons.ReplayedCode, (await _verifier.VerifyAsync("u1", OtpCode.Compute(token.Secret!, token.Otp!, Step - 1), default)).Reason);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await _verifier.VerifyAsync("u1", OtpCode.Compute(token.Secret!, token.Otp!, Step), default)).Succeeded);
    }

    [Fact]
    public async Task ApproverTokenCode_Accepted_ApproverEnrollmentMarkedUsed()
    {
        // The code an approver device shows comes from its own enrollment's seed: using it is a use of the approver.
        var approver = await _stores.Enrollments.AddAsync(new Enrollment
        {
            Id = Guid.NewGuid().ToString("N"), UserId = "u-approver", Factor = Factor.Push, Confirmed = true,
            Secret = RandomNumberGenerator.GetBytes(20), PublicKey = [1, 2, 3], CreatedAt = _time.GetUtcNow().AddDays(-1),
        }, default);

        var result = await _verifier.VerifyAsync("u-approver", OtpCode.Compute(approver.Secret!, new OtpParameters(), Step), default);

        Assert.True(result.Succeeded);
        Assert.Equal(_time.GetUtcNow(), (await _stores.Enrollments.FindAsync("u-approver", approver.Id, default))!.LastUsedAt);
    }

    [Fact]
    public async Task Totp_SameCodeSubmittedConcurrently_ExactlyOneSucceeds()
    {
        for (var round = 0; round < 5; round++)
        {
            var user = "race" + round;
            var token = await EnrollAsync(user, new OtpParameters());
            var code = OtpCode.Compute(token.Secret!, token.Otp!, Step);
            using var start = new ManualResetEventSlim();
            var attempts = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await _verifier.VerifyAsync(user, code, default);
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(attempts);
            Assert.Single(results, r => r.Succeeded);
            Assert.Single(results, r => r.Reason == OtpReasons.ReplayedCode);
        }
    }

    [Fact]
    public async Task Unconfirmed_OrNoEnrollment_NotEnrolled()
    {
        var pending = await EnrollAsync("u2", new OtpParameters(), confirmed: false);
        Assert.Equal(OtpReasons.NotEnrolled, (await _verifier.VerifyAsync("u2", OtpCode.Compute(pending.Secret!, pending.Otp!, Step), default)).Reason);
        Assert.Equal(OtpReasons.NotEnrolled, (await _verifier.VerifyAsync("nobody", "123456", default)).Reason);
    }

    [Fact]
    public async Task Hotp_LookAheadPersistsCounter_AndResyncRecoversFarDrift()
    {
        var p = new OtpParameters { Kind = OtpKind.Hotp };
        var token = await EnrollAsync("u3", p, counter: 100);
        Assert.True((await _verifier.VerifyAsync("u3", OtpCode.Compute(token.Secret!, p, 105), default)).Succeeded);
        Assert.Equal(106, (await _stores.Enrollments.FindAsync("u3", token.Id, default))!.Counter);
        Assert.False((await _verifier.VerifyAsync("u3", OtpCode.Compute(token.Secret!, p, 105), default)).Succeeded);

        // 50 presses later the token is beyond the look-ahead of 10: refused until resynchronized.
        var far = OtpCode.Compute(token.Secret!, p, 156);
        Assert.Equal(OtpReasons.WrongCode, (await _verifier.VerifyAsync("u3", far, default)).Reason);
        var resync = await _verifier.ResyncAsync("u3", token.Id, OtpCode.Compute(token.Secret!, p, 157), OtpCode.Compute(token.Secret!, p, 158), default);
        Assert.True(resync.Succeeded);
        Assert.Equal(159, resync.Enrollment!.Counter);
        Assert.True((await _verifier.VerifyAsync("u3", OtpCode.Compute(token.Secret!, p, 159), default)).Succeeded);
    }

    [Fact]
    public async Task Resync_TotpToken_Refused()
    {
        var token = await EnrollAsync("u4", new OtpParameters());
        Assert.Equal(OtpReasons.NotHotp, (await _verifier.ResyncAsync("u4", token.Id, "123456", "234567", default)).Reason);
    }

    [Fact]
    public async Task SealedSeed_NotInTableRow()
    {
        var token = await EnrollAsync("u5", new OtpParameters());
        var table = await _stores.Tables.GetAsync("Enrollments");
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            foreach (var value in ((IDictionary<string, object>)row).Values.OfType<byte[]>())
                Assert.False(value.AsSpan().IndexOf(token.Secret!) >= 0);
        }
    }
}
