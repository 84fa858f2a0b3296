namespace Imprivata.Core.Mfa.Otp;

/// <summary>OTP settings, configuration section "Imprivata:Otp".</summary>
public sealed class OtpOptions
{
    public const string Section = "Imprivata:Otp";

    /// <summary>Issuer shown by authenticator apps next to the account name (otpauth:// issuer).</summary>
    public string Issuer { get; set; } = "Imprivata";

    /// <summary>HOTP codes accepted ahead of the expected counter at login (button presses without a login).</summary>
    public int HotpLookAhead { get; set; } = 10;

    /// <summary>How far ahead a resync with two consecutive codes searches.</summary>
    public int HotpResyncWindow { get; set; } = 100;

    /// <summary>An authenticator-app enrollment must be confirmed with a code within this time of being started.</summary>
    public TimeSpan EnrollmentConfirmWithin { get; set; } = TimeSpan.FromMinutes(10);
}
