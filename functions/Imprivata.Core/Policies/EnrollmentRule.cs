using Imprivata.Core.Mfa;

namespace Imprivata.Core.Policies;

/// <summary>
/// Workflow policy > Enroll: what happens to users of the associated user policies before they enroll a second factor.
/// Reference: "Access for unenrolled users", "Choose where users can enroll", "Choose whether users can delay".
/// </summary>
public sealed record EnrollmentRule
{
    public const string DefaultId = "default";

    public required string Id { get; init; }
    public required string Name { get; init; }
    public UnenrolledAccess UnenrolledAccess { get; init; } = UnenrolledAccess.PasswordOnly;
    public EnrollmentPrompt Prompt { get; init; } = EnrollmentPrompt.AtLogin;
    /// <summary>Users may choose "Remind me later" and go on (only meaningful with password-only access).</summary>
    public bool MayDelay { get; init; } = true;
    /// <summary>What users may enroll at the login prompt.</summary>
    public IReadOnlyList<Factor> EnrollableFactors { get; init; } = [Factor.Push, Factor.OtpToken, Factor.Sms, Factor.WebAuthn];

    public static EnrollmentRule Default { get; } = new() { Id = DefaultId, Name = "Default enrollment rule" };
}

public enum UnenrolledAccess
{
    /// <summary>"Password only": unenrolled users get in with their password until they enroll.</summary>
    PasswordOnly = 0,
    /// <summary>"A different login method": unenrolled users need another allowed method (e.g. an OTP token); else blocked.</summary>
    DifferentLoginMethod = 1,
}

public enum EnrollmentPrompt
{
    /// <summary>"Prompt the user at the web login / remote client" after a successful password.</summary>
    AtLogin = 0,
    /// <summary>"Do not prompt": users enroll elsewhere (self-service), never at the login.</summary>
    NotPrompted = 1,
}
