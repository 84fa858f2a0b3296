using System.Text;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;

namespace Imprivata.Core.Tests.Mfa.Otp;

public sealed class OtpMatchTests
{
    // A fixed seed keeps these deterministic: with a random one a far code could collide with a near one (1 in 10^6 a try).
    private static readonly byte[] Seed = Encoding.ASCII.GetBytes("otp-match-tests-seed");
    private static readonly OtpParameters Totp = new() { Kind = OtpKind.Totp, Digits = 6, Period = 30 };
    private static readonly OtpParameters Hotp = new() { Kind = OtpKind.Hotp, Digits = 6 };
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);
    private static readonly long Step = OtpCode.TimeStep(Now, 30);

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void Totp_WithinOneStep_Accepted(int offset)
    {
        var match = OtpMatch.Totp(Seed, Totp, OtpCode.Compute(Seed, Totp, Step + offset), Now, 0);
        Assert.True(match.Accepted);
        Assert.Equal(Step + offset, match.NewCounter);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    [InlineData(-3)]
    [InlineData(10)]
    public void Totp_TwoOrMoreStepsAway_Rejected(int offset)
    {
        var code = OtpCode.Compute(Seed, Totp, Step + offset);
        Assert.Equal(OtpOutcome.Wrong, OtpMatch.Totp(Seed, Totp, code, Now, 0).Outcome);
    }

    [Fact]
    public void Totp_StepAtOrBeforeLastAccepted_IsReplay()
    {
        var code = OtpCode.Compute(Seed, Totp, Step);
        Assert.Equal(OtpOutcome.Replayed, OtpMatch.Totp(Seed, Totp, code, Now, lastAcceptedStep: Step).Outcome);
        var earlier = OtpCode.Compute(Seed, Totp, Step - 1);
        Assert.Equal(OtpOutcome.Replayed, OtpMatch.Totp(Seed, Totp, earlier, Now, lastAcceptedStep: Step).Outcome);
        // The next step after the accepted one still works.
        Assert.True(OtpMatch.Totp(Seed, Totp, OtpCode.Compute(Seed, Totp, Step + 1), Now, lastAcceptedStep: Step).Accepted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("１２３４５６")]
    public void Totp_NotSixAsciiDigits_Malformed(string code) =>
        Assert.Equal(OtpOutcome.Malformed, OtpMatch.Totp(Seed, Totp, code, Now, 0).Outcome);

    [Fact]
    public void Hotp_WithinLookAhead_AcceptedAndMovesCounterPastIt()
    {
        var code = OtpCode.Compute(Seed, Hotp, 19);
        var match = OtpMatch.Hotp(Seed, Hotp, code, nextCounter: 10, lookAhead: 10);
        Assert.True(match.Accepted);
        Assert.Equal(20, match.NewCounter);
        // Used once: the same code with the new counter is refused.
        Assert.False(OtpMatch.Hotp(Seed, Hotp, code, match.NewCounter, 10).Accepted);
    }

    [Fact]
    public void Hotp_BeyondLookAhead_Rejected()
    {
        var code = OtpCode.Compute(Seed, Hotp, 20);
        Assert.False(OtpMatch.Hotp(Seed, Hotp, code, nextCounter: 10, lookAhead: 10).Accepted);
    }

    [Fact]
    public void HotpResync_TwoConsecutiveCodesFarAhead_ReanchorsCounter()
    {
        var first = OtpCode.Compute(Seed, Hotp, 75);
        var second = OtpCode.Compute(Seed, Hotp, 76);
        var match = OtpMatch.HotpResync(Seed, Hotp, first, second, nextCounter: 5, window: 100);
        Assert.True(match.Accepted);
        Assert.Equal(77, match.NewCounter);
        Assert.True(OtpMatch.Hotp(Seed, Hotp, OtpCode.Compute(Seed, Hotp, 77), match.NewCounter, 10).Accepted);
    }

    [Fact]
    public void HotpResync_NonConsecutiveOrBeyondWindow_Rejected()
    {
        Assert.False(OtpMatch.HotpResync(Seed, Hotp, OtpCode.Compute(Seed, Hotp, 75), OtpCode.Compute(Seed, Hotp, 77), 5, 100).Accepted);
        Assert.False(OtpMatch.HotpResync(Seed, Hotp, OtpCode.Compute(Seed, Hotp, 76), OtpCode.Compute(Seed, Hotp, 75), 5, 100).Accepted);
        Assert.False(OtpMatch.HotpResync(Seed, Hotp, OtpCode.Compute(Seed, Hotp, 300), OtpCode.Compute(Seed, Hotp, 301), 5, 100).Accepted);
    }
}
