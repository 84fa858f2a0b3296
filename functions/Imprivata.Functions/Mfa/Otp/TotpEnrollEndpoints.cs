using Imprivata.Functions.Mfa;
using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Core.Policies;
using Imprivata.Core.Settings;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Microsoft.AspNetCore.Http.HttpResults;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>
/// /login/enroll/otp: when the plan asks the user to enroll, an authenticator app is set up with a fresh seed (kept
/// unconfirmed until a code proves the app has it) and the login completes with amr otp.
/// </summary>
public static class TotpEnrollEndpoints
{
    public const string Path = MfaLogin.EnrollPath + "/otp";
    private const string StateKey = "enroll.otp";

    public static void MapTotpEnrollment(this WebApplication app)
    {
        app.MapGet(Path, ShowAsync);
        app.MapPost(Path, ConfirmAsync);
    }

    private static async Task<(PendingStep? Step, IResult? Refusal)> RequireAsync(HttpContext http, MfaLogin mfa)
    {
        var step = await mfa.GetAsync(http);
        if (step is null)
            return (null, MfaEndpoints.Expired(http));
        if (step.Plan.Outcome != PlanOutcome.Enroll || !step.Plan.Enrollable.Contains(Factor.OtpToken))
            return (null, Results.Redirect(MfaLogin.StepPath));
        return (step, null);
    }

    public static async Task<IResult> ShowAsync(HttpContext http, MfaLogin mfa, TotpEnrollment totp, ISettingsStore settings, FormCsrf csrf, AuditTrail audit)
    {
        var (step, refusal) = await RequireAsync(http, mfa);
        if (step is null)
            return refusal!;
        var start = await totp.BeginAsync(step.User.Id, step.User.Username, label: null, http.RequestAborted);
        await mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [StateKey] = start.EnrollmentId }, http.RequestAborted);
        await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, "started", username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: Factor.OtpToken.Name());
        return await PageAsync(http, settings, csrf, QrCodeImage.PngDataUri(start.OtpAuthUri), start.ManualEntryKey, error: null);
    }

    public static async Task<IResult> ConfirmAsync(HttpContext http, MfaLogin mfa, TotpEnrollment totp, IEnrollmentStore enrollments, OtpOptions options,
        ISettingsStore settings, FormCsrf csrf, AuditTrail audit)
    {
        var ct = http.RequestAborted;
        var (step, refusal) = await RequireAsync(http, mfa);
        if (step is null)
            return refusal!;
        if (!await MfaEndpoints.ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id, methods: Factor.OtpToken.Name());
            return MfaEndpoints.Expired(http);
        }
        if (!step.Login.State.TryGetValue(StateKey, out var enrollmentId))
            return Results.Redirect(Path);
        var pending = await enrollments.FindAsync(step.User.Id, enrollmentId, ct);
        if (pending?.Secret is null || pending.Otp is null)
            return Results.Redirect(Path);
        var uri = OtpAuthUri.For(options.Issuer, step.User.Username, pending.Secret, pending.Otp);
        if (await mfa.ReserveAttemptAsync(http, step, Factor.OtpToken, AuditKinds.LoginEnroll) is { } refused)
            return await PageAsync(http, settings, csrf, QrCodeImage.PngDataUri(uri), OtpAuthUri.Base32(pending.Secret), refused);

        var result = await totp.ConfirmAsync(step.User.Id, enrollmentId, http.Request.Form["code"].ToString(), ct);
        if (!result.Succeeded)
        {
            await mfa.FailAsync(http, step, Factor.OtpToken, "enroll_" + result.Reason);
            return await PageAsync(http, settings, csrf, QrCodeImage.PngDataUri(uri), OtpAuthUri.Base32(pending.Secret),
                "That code is not right. Check the time on your phone and try the current code.");
        }
        await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, AuditReasons.Ok, username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: Factor.OtpToken.Name());
        return await mfa.CompleteAsync(http, step, Factor.OtpToken);
    }

    private static async Task<IResult> PageAsync(HttpContext http, ISettingsStore settings, FormCsrf csrf, string qr, string key, string? error)
    {
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        PageHeaders.Apply(http);
        return new RazorComponentResult<TotpEnrollPage>(new Dictionary<string, object?>
        {
            [nameof(TotpEnrollPage.QrDataUri)] = qr,
            [nameof(TotpEnrollPage.ManualKey)] = key,
            [nameof(TotpEnrollPage.Error)] = error,
            [nameof(TotpEnrollPage.Action)] = Path,
            [nameof(TotpEnrollPage.Csrf)] = csrf.Issue(http),
            [nameof(TotpEnrollPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(TotpEnrollPage.HasLogo)] = branding.Logo is { Length: > 0 },
        }) { StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest };
    }
}
