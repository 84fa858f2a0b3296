namespace Imprivata.Core.Mfa;

/// <summary>An authentication method the policy engine can require. Password is the first factor of most workflows.</summary>
public enum Factor
{
    Password = 0,
    /// <summary>An OTP token: the approver's TOTP, an authenticator app, or an imported hardware token (TOTP or HOTP).</summary>
    OtpToken = 1,
    /// <summary>Push approval on the enrolled approver device (optionally with number matching).</summary>
    Push = 2,
    Sms = 3,
    Email = 4,
    /// <summary>A WebAuthn security key or platform authenticator.</summary>
    WebAuthn = 5,
    /// <summary>A helpdesk-issued temporary code: stands in for the second factor, never enrolled.</summary>
    TemporaryCode = 6,
}

public static class FactorNames
{
    /// <summary>Stable lower-case names used in configuration, URLs, audit events and the admin API.</summary>
    public static string Name(this Factor factor) => factor switch
    {
        Factor.Password => "password",
        Factor.OtpToken => "otp",
        Factor.Push => "push",
        Factor.Sms => "sms",
        Factor.Email => "email",
        Factor.WebAuthn => "webauthn",
        Factor.TemporaryCode => "temporary-code",
        _ => throw new ArgumentOutOfRangeException(nameof(factor)),
    };

    public static bool TryParse(string? name, out Factor factor)
    {
        foreach (var f in Enum.GetValues<Factor>())
        {
            if (string.Equals(f.Name(), name, StringComparison.Ordinal))
            {
                factor = f;
                return true;
            }
        }
        factor = default;
        return false;
    }

    /// <summary>What users see on the login page and administrators in the console.</summary>
    public static string DisplayName(this Factor factor) => factor switch
    {
        Factor.Password => "Password",
        Factor.OtpToken => "OTP token",
        Factor.Push => "Push approval",
        Factor.Sms => "SMS code",
        Factor.Email => "Email code",
        Factor.WebAuthn => "Security key or face / fingerprint",
        Factor.TemporaryCode => "Temporary code",
        _ => factor.ToString(),
    };

    /// <summary>Factors a user enrolls (and can have reset); the password and temporary codes are not enrollments.</summary>
    public static bool IsEnrollable(this Factor factor) => factor is Factor.OtpToken or Factor.Push or Factor.Sms or Factor.Email or Factor.WebAuthn;
}
