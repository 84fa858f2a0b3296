using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.UserDirectory;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Imprivata.Testing;

/// <summary>
/// The administrator's phone for the console's second factor. Codes are never weakened: a test that signs one administrator
/// in several times within a step gets a fresh authenticator app each time (added to the store, as enrolling would), so
/// no sign-in replays the code an earlier one used.
/// </summary>
public static partial class ConsoleSecondFactor
{
    public const string Path = "/console/login/otp";

    [GeneratedRegex("id=\"manual-key\">([A-Z2-7]+)<")]
    private static partial Regex ManualKeyField();

    /// <summary>The key the enrollment page shows for typing in by hand, or null on the page that asks for a code.</summary>
    public static string? ManualKeyOf(string html) => ManualKeyField().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The code an authenticator app holding <paramref name="base32Key"/> shows now.</summary>
    /// <param name="at">The service's clock, when a test sets it; otherwise now.</param>
    public static string CurrentCode(string base32Key, DateTimeOffset? at = null) => CodeAt(Base32Encoding.ToBytes(base32Key), at: at);

    public static string CodeAt(byte[] secret, int stepOffset = 0, DateTimeOffset? at = null) =>
        OtpCode.Compute(secret, TotpEnrollment.AppParameters, OtpCode.TimeStep(at ?? DateTimeOffset.UtcNow, TotpEnrollment.AppParameters.Period) + stepOffset);

    /// <summary>Adds a confirmed authenticator app with a fresh seed for <paramref name="username"/> and returns its current code.</summary>
    public static async Task<string> FreshTokenCodeAsync(IServiceProvider services, string username)
    {
        var secret = await AddTokenAsync(services, username);
        return CodeAt(secret);
    }

    public static async Task<byte[]> AddTokenAsync(IServiceProvider services, string username)
    {
        var user = await services.GetRequiredService<IDirectoryStore>().FindUserByUsernameAsync(username, default)
            ?? throw new InvalidOperationException("No user " + username);
        var secret = RandomNumberGenerator.GetBytes(TotpEnrollment.SeedBytes);
        await services.GetRequiredService<IEnrollmentStore>().AddAsync(new Enrollment
        {
            Id = Guid.NewGuid().ToString("N"),
            UserId = user.Id,
            Factor = Factor.OtpToken,
            Label = "Test phone",
            CreatedAt = DateTimeOffset.UtcNow,
            Confirmed = true,
            Secret = secret,
            Otp = TotpEnrollment.AppParameters,
        }, default);
        return secret;
    }
}
