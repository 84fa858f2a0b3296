using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Functions.Admin.Console;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Mfa;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Imprivata.Functions.Admin;

/// <summary>
/// /console/login/otp: the code from the administrator's authenticator app, or, for one without an app yet, its enrollment
/// (QR code, key for typing in, then a code to confirm). Only a verified code turns the pending sign-in into a session.
/// </summary>
public static class AdminSecondFactorEndpoints
{
    private const string Methods = "pwd otp";

    public static void MapAdminSecondFactor(this IEndpointRouteBuilder app)
    {
        app.MapGet(AdminSecondFactor.Path, ShowAsync);
        app.MapPost(AdminSecondFactor.Path, VerifyAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, AdminSecondFactor secondFactor, TotpEnrollment totp, AuditTrail audit)
    {
        var ct = http.RequestAborted;
        if (await secondFactor.FindAsync(http, ct) is not { } pending)
            return AdminHttp.SeeOther("/console/login");
        if (await secondFactor.HasTokenAsync(pending.User, ct))
            return Page(pending, enrollment: null, error: null);
        var start = await totp.BeginAsync(pending.User.Id, pending.User.Username, label: null, ct);
        await secondFactor.RememberEnrollmentAsync(pending, start.EnrollmentId, ct);
        await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, "started", username: pending.User.Username, userId: pending.User.Id,
            methods: Factor.OtpToken.Name(), detail: "console");
        return Page(pending, (QrCodeImage.PngDataUri(start.OtpAuthUri), start.ManualEntryKey), error: null);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AdminSecondFactor secondFactor, AdminSessions sessions, AccountThrottle throttle,
        OtpTokenVerifier verifier, TotpEnrollment totp, IEnrollmentStore enrollments, OtpOptions options, AuditTrail audit)
    {
        var ct = http.RequestAborted;
        if (await secondFactor.FindAsync(http, ct) is not { } pending)
        {
            await audit.WriteAsync(http, AuditKinds.AdminLogin, AuditResults.Failure, AuditReasons.Expired, methods: Methods);
            return AdminHttp.SeeOther("/console/login");
        }
        var user = pending.User;
        if (!http.Request.HasFormContentType || await AdminForms.ReadAsync(http) is not { Form: { } form })
        {
            await audit.WriteAsync(http, AuditKinds.AdminLogin, AuditResults.Failure, AuditReasons.InvalidRequest, username: user.Username, userId: user.Id, methods: Methods);
            return AdminHttp.SeeOther(AdminSecondFactor.Path);
        }
        // Synchronizer token of this pending sign-in (OWASP CSRF cheat sheet), compared in constant time.
        if (!SecretText.FixedTimeEquals(form[AdminHttp.CsrfField].ToString(), pending.Csrf))
        {
            await audit.WriteAsync(http, AuditKinds.AdminLogin, AuditResults.Failure, AuditReasons.BadCsrf, username: user.Username, userId: user.Id, methods: Methods);
            return AdminHttp.SeeOther(AdminSecondFactor.Path);
        }
        var enrollment = await EnrollmentShownAsync(pending, enrollments, options, ct);

        // NIST SP 800-63B 5.2.2: each guess is counted on the account before it is checked, so parallel guesses are bounded too.
        var reservation = await throttle.ReserveAsync(user.Id, ct);
        if (!reservation.Granted)
        {
            var reason = reservation.Contended ? AuditReasons.Contended : AuditReasons.Throttled;
            await audit.WriteAsync(http, AuditKinds.AdminLogin, AuditResults.Failure, reason, username: user.Username, userId: user.Id, methods: Methods);
            var wait = Math.Max(1, (int)Math.Ceiling(reservation.Wait.TotalSeconds));
            return Page(pending, enrollment, reservation.Contended ? "Too many attempts at once. Try again in a moment."
                : $"Too many failed attempts. Try again in {wait} seconds.", StatusCodes.Status429TooManyRequests);
        }

        var code = form["code"].ToString();
        // RFC 6238 section 5.2: a code accepted once is refused for the rest of its step (the verifier keeps the last step).
        var result = enrollment is not null && pending.EnrollmentId is { } enrollmentId
            ? await totp.ConfirmAsync(user.Id, enrollmentId, code, ct)
            : await verifier.VerifyAsync(user.Id, code, ct);
        var detail = result.Enrollment is { } e ? "enrollment=" + e.Id : null;
        if (!result.Succeeded)
        {
            await audit.WriteAsync(http, AuditKinds.AdminLogin, AuditResults.Failure, result.Reason, username: user.Username, userId: user.Id,
                methods: Methods, detail: enrollment is null ? null : "enrollment");
            return Page(pending, enrollment, "That code is not right. Check the time on your phone and try the current code.", StatusCodes.Status400BadRequest);
        }
        await throttle.RecordSuccessAsync(user.Id, reservation, ct);
        await secondFactor.AbandonAsync(http, ct);
        await sessions.SignInAsync(http, user, ct);
        await audit.WriteAsync(http, AuditKinds.AdminLogin, AuditResults.Success, AuditReasons.Ok, username: user.Username, userId: user.Id,
            methods: Methods, detail: detail);
        return AdminHttp.SeeOther("/console/users");
    }

    /// <summary>The QR code and key of the enrollment under way (to confirm, or show again with an error); null when signing in with a code.</summary>
    private static async Task<(string Qr, string Key)?> EnrollmentShownAsync(PendingConsoleSignIn pending, IEnrollmentStore enrollments, OtpOptions options,
        CancellationToken ct)
    {
        if (pending.EnrollmentId is not { } id || await enrollments.FindAsync(pending.User.Id, id, ct) is not { Confirmed: false, Secret: { } secret, Otp: { } otp })
            return null;
        return (QrCodeImage.PngDataUri(OtpAuthUri.For(options.Issuer, pending.User.Username, secret, otp)), OtpAuthUri.Base32(secret));
    }

    private static IResult Page(PendingConsoleSignIn pending, (string Qr, string Key)? enrollment, string? error, int status = StatusCodes.Status200OK) =>
        new RazorComponentResult<SecondFactorPage>(new Dictionary<string, object?>
        {
            [nameof(SecondFactorPage.Csrf)] = pending.Csrf,
            [nameof(SecondFactorPage.QrDataUri)] = enrollment?.Qr,
            [nameof(SecondFactorPage.ManualKey)] = enrollment?.Key,
            [nameof(SecondFactorPage.Error)] = error,
        }) { StatusCode = status };
}
