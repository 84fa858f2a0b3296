using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace Imprivata.Core.Mfa.Otp;

/// <summary>HOTP values (RFC 4226 section 5.3) through Otp.NET; TOTP is HOTP over the time step (RFC 6238 section 4.2).</summary>
public static class OtpCode
{
    /// <summary>The code for one counter (HOTP) or time step (TOTP), zero-padded to the token's digits.</summary>
    public static string Compute(byte[] secret, OtpParameters parameters, long counter) =>
        new Hotp(secret, HashMode(parameters.Algorithm), parameters.Digits).ComputeHOTP(counter);

    /// <summary>Exactly the token's number of ASCII digits; leading zeros are significant, so the code stays text.</summary>
    public static bool IsWellFormed(string? code, int digits) =>
        code is not null && code.Length == digits && code.All(char.IsAsciiDigit);

    /// <summary>Constant-time comparison of two well-formed codes (no early exit on the first differing digit).</summary>
    public static bool Equal(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented));

    /// <summary>RFC 6238 section 4.2: T = floor((unix time - T0) / X) with T0 = 0; a 64-bit counter (T=20000000000 fits).</summary>
    public static long TimeStep(DateTimeOffset time, int period) => Math.DivRem(time.ToUnixTimeSeconds(), period, out var rest) - (rest < 0 ? 1 : 0);

    public static bool IsSupported(OtpParameters p) => p.Digits is 6 or 8 && p.Period is >= 10 and <= 300 && Enum.IsDefined(p.Algorithm) && Enum.IsDefined(p.Kind);

    private static OtpHashMode HashMode(OtpAlgorithm algorithm) => algorithm switch
    {
        OtpAlgorithm.Sha1 => OtpHashMode.Sha1,
        OtpAlgorithm.Sha256 => OtpHashMode.Sha256,
        OtpAlgorithm.Sha512 => OtpHashMode.Sha512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static string Name(this OtpAlgorithm algorithm) => algorithm switch
    {
        OtpAlgorithm.Sha1 => "SHA1",
        OtpAlgorithm.Sha256 => "SHA256",
        OtpAlgorithm.Sha512 => "SHA512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}
