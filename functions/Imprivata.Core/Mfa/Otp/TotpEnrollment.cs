using System.Security.Cryptography;

namespace Imprivata.Core.Mfa.Otp;

/// <summary>
/// Enrolling an authenticator app: <see cref="BeginAsync"/> stores an unconfirmed enrollment with a fresh 160-bit seed
/// (RFC 4226 section 4 R6 recommends 160 bits; sealed at rest by the store) and returns the QR code to scan;
/// <see cref="ConfirmAsync"/> proves the app holds the seed with one code, and only then can the token log in.
/// </summary>
public sealed class TotpEnrollment(IEnrollmentStore enrollments, OtpOptions options, TimeProvider time)
{
    public const int SeedBytes = 20;
    public const string DefaultLabel = "Authenticator app";
    /// <summary>What every authenticator app supports; other parameters are for imported hardware tokens.</summary>
    public static readonly OtpParameters AppParameters = new() { Kind = OtpKind.Totp, Algorithm = OtpAlgorithm.Sha1, Digits = 6, Period = 30 };

    /// <param name="username">The otpauth label the user sees in the app.</param>
    /// <param name="label">The name administrators and the user see for this enrollment.</param>
    public async Task<TotpEnrollmentStart> BeginAsync(string userId, string username, string? label, CancellationToken ct)
    {
        // A user who restarts enrollment leaves no half-finished seeds behind.
        foreach (var stale in (await enrollments.ListAsync(userId, ct).ConfigureAwait(false)).Where(e => IsPendingApp(e)))
            await enrollments.DeleteAsync(userId, stale.Id, ct).ConfigureAwait(false);

        var secret = RandomNumberGenerator.GetBytes(SeedBytes);
        var enrollment = await enrollments.AddAsync(new Enrollment
        {
            Id = Guid.NewGuid().ToString("N"),
            UserId = userId,
            Factor = Factor.OtpToken,
            Label = LabelOf(label),
            CreatedAt = time.GetUtcNow(),
            Confirmed = false,
            Secret = secret,
            Otp = AppParameters,
        }, ct).ConfigureAwait(false);
        var uri = OtpAuthUri.For(options.Issuer, username, secret, AppParameters);
        return new TotpEnrollmentStart(enrollment.Id, uri, OtpAuthUri.Base32(secret));
    }

    /// <summary>
    /// Confirms with a code from the app. The confirming step becomes the last accepted one, so the same code cannot then
    /// be used to log in; LastUsedAt marks the moment the user enrolled (a temporary code issued before it stops working).
    /// </summary>
    public async Task<OtpVerification> ConfirmAsync(string userId, string enrollmentId, string code, CancellationToken ct)
    {
        var pending = await enrollments.FindAsync(userId, enrollmentId, ct).ConfigureAwait(false);
        if (pending is null || pending.Factor != Factor.OtpToken || pending.Secret is null || pending.Otp is null)
            return OtpVerification.Fail(OtpReasons.NotFound);
        if (pending.Confirmed)
            return OtpVerification.Fail(OtpReasons.AlreadyConfirmed);
        var now = time.GetUtcNow();
        if (now - pending.CreatedAt > options.EnrollmentConfirmWithin)
            return OtpVerification.Fail(OtpReasons.EnrollmentExpired);
        var match = OtpMatch.Totp(pending.Secret, pending.Otp, OtpTokenVerifier.Normalize(code), now, pending.Counter);
        if (!match.Accepted)
            return OtpVerification.Fail(match.Outcome == OtpOutcome.Malformed ? OtpReasons.MalformedCode : OtpReasons.WrongCode);
        var confirmed = await enrollments.TryUpdateAsync(pending with { Confirmed = true, Counter = match.NewCounter, LastUsedAt = now }, ct).ConfigureAwait(false);
        return confirmed is null ? OtpVerification.Fail(OtpReasons.Contended) : OtpVerification.Ok(confirmed);
    }

    private static string LabelOf(string? label)
    {
        var name = label?.Trim() ?? "";
        return name.Length == 0 ? DefaultLabel : name.Length > 64 ? name[..64] : name;
    }

    private static bool IsPendingApp(Enrollment e) => e.Factor == Factor.OtpToken && !e.Confirmed && e.Serial is null;
}

/// <summary>What the enrollment page shows once: the QR code, and the seed in base32 for typing it in by hand.</summary>
public sealed record TotpEnrollmentStart(string EnrollmentId, string OtpAuthUri, string ManualEntryKey);
