using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;

namespace Imprivata.Core.Tests.Mfa.Otp;

/// <summary>Our codes against an independent implementation: Debian's oathtool (OATH Toolkit), on random seeds and times.</summary>
public sealed class OathtoolTests
{
    private const string Oathtool = "/usr/bin/oathtool";

    [Theory]
    [InlineData(OtpAlgorithm.Sha1, 6, 30, 20)]
    [InlineData(OtpAlgorithm.Sha1, 8, 30, 20)]
    [InlineData(OtpAlgorithm.Sha256, 6, 30, 32)]
    [InlineData(OtpAlgorithm.Sha256, 8, 60, 32)]
    [InlineData(OtpAlgorithm.Sha512, 6, 30, 64)]
    [InlineData(OtpAlgorithm.Sha512, 8, 45, 64)]
    public async Task Totp_RandomSeedsAndTimes_SameCodesAsOathtool(OtpAlgorithm algorithm, int digits, int period, int seedBytes)
    {
        var p = new OtpParameters { Kind = OtpKind.Totp, Algorithm = algorithm, Digits = digits, Period = period };
        for (var i = 0; i < 5; i++)
        {
            var seed = RandomNumberGenerator.GetBytes(seedBytes);
            var unix = RandomNumberGenerator.GetInt32(0, int.MaxValue) + (i == 4 ? 20_000_000_000L : 0);
            var now = DateTimeOffset.FromUnixTimeSeconds(unix);
            var theirs = await RunAsync($"--totp={algorithm.Name().ToLowerInvariant()}", $"--digits={digits}", $"--time-step-size={period}s",
                "--now=@" + unix.ToString(CultureInfo.InvariantCulture), Convert.ToHexString(seed));
            Assert.Equal(theirs, OtpCode.Compute(seed, p, OtpCode.TimeStep(now, period)));
            Assert.True(OtpMatch.Totp(seed, p, theirs, now, 0).Accepted);
        }
    }

    [Theory]
    [InlineData(OtpAlgorithm.Sha1, 6)]
    [InlineData(OtpAlgorithm.Sha1, 8)]
    public async Task Hotp_RandomSeedsAndCounters_SameCodesAsOathtool(OtpAlgorithm algorithm, int digits)
    {
        // oathtool's --hotp is HMAC-SHA1 only (RFC 4226 defines HOTP over SHA-1).
        var p = new OtpParameters { Kind = OtpKind.Hotp, Algorithm = algorithm, Digits = digits };
        for (var i = 0; i < 5; i++)
        {
            var seed = RandomNumberGenerator.GetBytes(20);
            long counter = RandomNumberGenerator.GetInt32(0, 1_000_000);
            var theirs = await RunAsync("--hotp", $"--digits={digits}", "--counter=" + counter.ToString(CultureInfo.InvariantCulture), Convert.ToHexString(seed));
            Assert.Equal(theirs, OtpCode.Compute(seed, p, counter));
            Assert.True(OtpMatch.Hotp(seed, p, theirs, counter - Math.Min(counter, 3), 10).Accepted);
        }
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Oathtool), $"{Oathtool} is missing: install the Debian package oathtool (./test.sh does: apt-get install -y oathtool).");
        var psi = new ProcessStartInfo(Oathtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "oathtool failed: " + error);
        return output.Trim();
    }
}
