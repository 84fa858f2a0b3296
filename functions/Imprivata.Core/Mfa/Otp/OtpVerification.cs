namespace Imprivata.Core.Mfa.Otp;

/// <summary>Result of checking an OTP code: fails unless built as a success. Reason is a stable code for audit events.</summary>
public sealed record OtpVerification
{
    public string Reason { get; private init; } = OtpReasons.WrongCode;
    public Enrollment? Enrollment { get; private init; }
    public bool Succeeded => Reason == OtpReasons.Ok;

    public static OtpVerification Ok(Enrollment enrollment) => new() { Reason = OtpReasons.Ok, Enrollment = enrollment };
    public static OtpVerification Fail(string reason) => new() { Reason = reason };
}

public static class OtpReasons
{
    public const string Ok = "ok";
    public const string WrongCode = "wrong_code";
    public const string MalformedCode = "malformed_code";
    public const string ReplayedCode = "replayed_code";
    public const string NotEnrolled = "not_enrolled";
    public const string NotFound = "not_found";
    public const string NotHotp = "resync_needs_hotp";
    public const string EnrollmentExpired = "enrollment_expired";
    public const string AlreadyConfirmed = "already_confirmed";
    /// <summary>The token's state kept changing under us (many concurrent submissions): fail closed.</summary>
    public const string Contended = "contended";
}
