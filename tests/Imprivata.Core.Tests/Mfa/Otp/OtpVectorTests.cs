using System.Text;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;

namespace Imprivata.Core.Tests.Mfa.Otp;

/// <summary>The published test vectors: RFC 4226 Appendix D (HOTP) and RFC 6238 Appendix B (TOTP, 8 digits, 30 s).</summary>
public sealed class OtpVectorTests
{
    private static readonly byte[] Seed20 = Encoding.ASCII.GetBytes("12345678901234567890");
    // RFC 6238 Appendix B uses a seed of the hash's output length for each algorithm (the errata's "right seed lengths").
    private static readonly byte[] Seed32 = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Seed64 = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    [Theory]
    [InlineData(0, "755224")]
    [InlineData(1, "287082")]
    [InlineData(2, "359152")]
    [InlineData(3, "969429")]
    [InlineData(4, "338314")]
    [InlineData(5, "254676")]
    [InlineData(6, "287922")]
    [InlineData(7, "162583")]
    [InlineData(8, "399871")]
    [InlineData(9, "520489")]
    public void Hotp_Rfc4226AppendixD_MatchesAndIsAccepted(long counter, string expected)
    {
        var p = new OtpParameters { Kind = OtpKind.Hotp, Digits = 6 };
        Assert.Equal(expected, OtpCode.Compute(Seed20, p, counter));
        var match = OtpMatch.Hotp(Seed20, p, expected, nextCounter: counter, lookAhead: 1);
        Assert.True(match.Accepted);
        Assert.Equal(counter + 1, match.NewCounter);
    }

    [Theory]
    [InlineData(59L, OtpAlgorithm.Sha1, "94287082")]
    [InlineData(59L, OtpAlgorithm.Sha256, "46119246")]
    [InlineData(59L, OtpAlgorithm.Sha512, "90693936")]
    [InlineData(1111111109L, OtpAlgorithm.Sha1, "07081804")]
    [InlineData(1111111109L, OtpAlgorithm.Sha256, "68084774")]
    [InlineData(1111111109L, OtpAlgorithm.Sha512, "25091201")]
    [InlineData(1111111111L, OtpAlgorithm.Sha1, "14050471")]
    [InlineData(1111111111L, OtpAlgorithm.Sha256, "67062674")]
    [InlineData(1111111111L, OtpAlgorithm.Sha512, "99943326")]
    [InlineData(1234567890L, OtpAlgorithm.Sha1, "89005924")]
    [InlineData(1234567890L, OtpAlgorithm.Sha256, "91819424")]
    [InlineData(1234567890L, OtpAlgorithm.Sha512, "93441116")]
    [InlineData(2000000000L, OtpAlgorithm.Sha1, "69279037")]
    [InlineData(2000000000L, OtpAlgorithm.Sha256, "90698825")]
    [InlineData(2000000000L, OtpAlgorithm.Sha512, "38618901")]
    [InlineData(20000000000L, OtpAlgorithm.Sha1, "65353130")]
    [InlineData(20000000000L, OtpAlgorithm.Sha256, "77737706")]
    [InlineData(20000000000L, OtpAlgorithm.Sha512, "47863826")]
    public void Totp_Rfc6238AppendixB_MatchesAndIsAccepted(long unixTime, OtpAlgorithm algorithm, string expected)
    {
        var seed = algorithm switch { OtpAlgorithm.Sha1 => Seed20, OtpAlgorithm.Sha256 => Seed32, _ => Seed64 };
        var p = new OtpParameters { Kind = OtpKind.Totp, Algorithm = algorithm, Digits = 8, Period = 30 };
        var now = DateTimeOffset.FromUnixTimeSeconds(unixTime);
        var step = OtpCode.TimeStep(now, 30);
        Assert.Equal(unixTime / 30, step);
        Assert.Equal(expected, OtpCode.Compute(seed, p, step));
        var match = OtpMatch.Totp(seed, p, expected, now, lastAcceptedStep: 0);
        Assert.True(match.Accepted);
        Assert.Equal(step, match.NewCounter);
    }

    [Fact]
    public void Totp_SixDigitsWithLeadingZero_KeepsTheZeroAndRefusesTheShortForm()
    {
        var p = new OtpParameters { Digits = 6 };
        var now = DateTimeOffset.FromUnixTimeSeconds(1111111109);
        // Appendix B's 07081804 at 6 digits is its last six: a leading zero.
        Assert.Equal("081804", OtpCode.Compute(Seed20, p, OtpCode.TimeStep(now, 30)));
        Assert.True(OtpMatch.Totp(Seed20, p, "081804", now, 0).Accepted);
        Assert.Equal(OtpOutcome.Malformed, OtpMatch.Totp(Seed20, p, "81804", now, 0).Outcome);
    }
}
