using Imprivata.Core.Audit;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Core.Policies;
using Imprivata.Core.Settings;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Login;
using Microsoft.AspNetCore.Http.HttpResults;
using Imprivata.Core.Telemetry;
using Imprivata.Functions.Telemetry;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>
/// Enrollment at login for SMS and e-mail codes (when the plan says Enroll): /login/enroll/{sms|email} asks for the
/// destination and sends a verification code; /login/enroll/{sms|email}/confirm takes the code and completes the login.
/// </summary>
public static class CodeEnrollmentEndpoints
{
    // Only these two names: other methods' literal enrollment routes (e.g. /login/enroll/otp) stay theirs.
    private const string Channel = "{channel:regex(^(sms|email)$)}";

    public static string EnrollPath(CodeChannel channel) => $"{MfaLogin.EnrollPath}/{channel.Name()}";

    public static void MapCodeEnrollment(this WebApplication app)
    {
        app.MapGet(MfaLogin.EnrollPath + "/" + Channel, ShowAsync);
        app.MapPost(MfaLogin.EnrollPath + "/" + Channel, BeginAsync);
        app.MapGet(MfaLogin.EnrollPath + "/" + Channel + "/confirm", ShowConfirmAsync);
        app.MapPost(MfaLogin.EnrollPath + "/" + Channel + "/confirm", ConfirmAsync);
        app.MapPost(MfaLogin.EnrollPath + "/" + Channel + "/confirm/resend", ResendAsync);
    }

    private sealed record Context(PendingStep Step, CodeChannel Channel, Factor Factor);

    private static string EnrollmentKey(Factor factor) => "enroll." + factor.Name();

    /// <summary>The pending login, if it exists and its plan asks this user to enroll this channel; else the result to return.</summary>
    private static async Task<(Context? Context, IResult? Refusal)> RequireAsync(HttpContext http, MfaLogin mfa, string channelName)
    {
        if (!FactorNames.TryParse(channelName, out var factor) || !CodeChannels.TryFrom(factor, out var channel))
            return (null, Results.NotFound());
        var step = await mfa.GetAsync(http);
        if (step is null)
            return (null, MfaEndpoints.Expired(http));
        // Enrollment pages serve only a plan that asks for enrollment and allows this method.
        if (step.Plan.Outcome != PlanOutcome.Enroll || !step.Plan.Enrollable.Contains(factor))
            return (null, Results.Redirect(MfaLogin.StepPath));
        return (new Context(step, channel, factor), null);
    }

    public static async Task<IResult> ShowAsync(HttpContext http, string channel, MfaLogin mfa, ISettingsStore settings, FormCsrf csrf)
    {
        var (context, refusal) = await RequireAsync(http, mfa, channel);
        return context is null ? refusal! : await DestinationPageAsync(http, context, settings, csrf, null, null);
    }

    public static async Task<IResult> BeginAsync(HttpContext http, string channel, MfaLogin mfa, CodeEnrollments enrollments,
        ISettingsStore settings, FormCsrf csrf, AuditTrail audit)
    {
        var (context, refusal) = await RequireAsync(http, mfa, channel);
        if (context is null)
            return refusal!;
        var step = context.Step;
        if (!await MfaEndpoints.ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id, methods: context.Factor.Name());
            return MfaEndpoints.Expired(http);
        }
        var destination = http.Request.Form["destination"].ToString();
        var begun = await enrollments.BeginAsync(step.User.Id, context.Channel, destination, http.RequestAborted);
        if (!begun.Succeeded)
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, begun.Error ?? CodeErrors.NoCode, username: step.User.Username,
                userId: step.User.Id, clientId: step.Login.ClientId, methods: context.Factor.Name());
            return await DestinationPageAsync(http, context, settings, csrf, destination, Message(begun.Error));
        }
        await mfa.SaveStateAsync(step.Login, new Dictionary<string, string> { [EnrollmentKey(context.Factor)] = begun.Enrollment!.Id }, http.RequestAborted);
        await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, "code_sent", username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: context.Factor.Name());
        return MfaLogin.SeeOther(EnrollPath(context.Channel) + "/confirm");
    }

    public static async Task<IResult> ShowConfirmAsync(HttpContext http, string channel, MfaLogin mfa, IEnrollmentStore store,
        ISettingsStore settings, FormCsrf csrf)
    {
        var (context, refusal) = await RequireAsync(http, mfa, channel);
        if (context is null)
            return refusal!;
        if (await PendingAsync(context, store, http.RequestAborted) is not { } pending)
            return Results.Redirect(EnrollPath(context.Channel));
        return await ConfirmPageAsync(http, context, pending, settings, csrf, null);
    }

    public static async Task<IResult> ConfirmAsync(HttpContext http, string channel, MfaLogin mfa, IEnrollmentStore store,
        CodeEnrollments enrollments, ISettingsStore settings, FormCsrf csrf, AuditTrail audit)
    {
        var (context, refusal) = await RequireAsync(http, mfa, channel);
        if (context is null)
            return refusal!;
        var step = context.Step;
        if (!await MfaEndpoints.ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.BadCsrf, userId: step.User.Id, methods: context.Factor.Name());
            return MfaEndpoints.Expired(http);
        }
        if (await PendingAsync(context, store, http.RequestAborted) is not { } pending)
            return MfaLogin.SeeOther(EnrollPath(context.Channel));
        if (await mfa.ReserveAttemptAsync(http, step, context.Factor, AuditKinds.LoginEnroll) is { } refused)
            return await ConfirmPageAsync(http, context, pending, settings, csrf, refused);
        var confirmed = await enrollments.ConfirmAsync(step.User.Id, pending.Id, http.Request.Form["code"].ToString(), http.RequestAborted);
        if (!confirmed.Succeeded)
        {
            await mfa.FailAsync(http, step, context.Factor, confirmed.Error ?? CodeErrors.WrongCode);
            return await ConfirmPageAsync(http, context, pending, settings, csrf, "That code is not right, or it expired. Try again or ask for a new code.");
        }
        await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Success, AuditReasons.Ok, username: step.User.Username, userId: step.User.Id,
            clientId: step.Login.ClientId, methods: context.Factor.Name(), detail: "enrolled " + confirmed.Enrollment!.Label);
        return await mfa.CompleteAsync(http, step, context.Factor);
    }

    public static async Task<IResult> ResendAsync(HttpContext http, string channel, MfaLogin mfa, IEnrollmentStore store,
        CodeEnrollments enrollments, ISettingsStore settings, FormCsrf csrf, AuditTrail audit)
    {
        var (context, refusal) = await RequireAsync(http, mfa, channel);
        if (context is null)
            return refusal!;
        if (!await MfaEndpoints.ValidFormAsync(http, csrf))
        {
            await audit.WriteAsync(http, AuditKinds.LoginEnroll, AuditResults.Failure, AuditReasons.BadCsrf, userId: context.Step.User.Id, methods: context.Factor.Name());
            return MfaEndpoints.Expired(http);
        }
        if (await PendingAsync(context, store, http.RequestAborted) is not { } pending)
            return MfaLogin.SeeOther(EnrollPath(context.Channel));
        var resent = await enrollments.ResendAsync(context.Step.User.Id, pending.Id, http.RequestAborted);
        return await ConfirmPageAsync(http, context, pending, settings, csrf, resent.Succeeded ? null : Message(resent.Error));
    }

    private static async Task<Enrollment?> PendingAsync(Context context, IEnrollmentStore store, CancellationToken ct)
    {
        if (!context.Step.Login.State.TryGetValue(EnrollmentKey(context.Factor), out var id))
            return null;
        var found = await store.FindAsync(context.Step.User.Id, id, ct);
        return found is { Confirmed: false, Destination: not null } && found.Factor == context.Factor ? found : null;
    }

    private static string Message(string? error) => error switch
    {
        CodeErrors.InvalidDestination => "That is not a valid number or address. Phone numbers start with + and the country code, e.g. +1 555 010 0100.",
        CodeErrors.NoDestination => "Enter where to send the code.",
        CodeErrors.AlreadyEnrolled => "That is already set up for your account.",
        CodeErrors.Throttled => "Too many codes were sent. Wait a few minutes, then try again.",
        _ => "The code could not be sent. Try again later or choose another method.",
    };

    private static async Task<IResult> DestinationPageAsync(HttpContext http, Context context, ISettingsStore settings, FormCsrf csrf,
        string? value, string? error)
    {
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        var sms = context.Channel == CodeChannel.Sms;
        PageHeaders.Apply(http);
        return new RazorComponentResult<CodeEnrollPage>(new Dictionary<string, object?>
        {
            [nameof(CodeEnrollPage.Title)] = "Set up " + context.Factor.DisplayName(),
            [nameof(CodeEnrollPage.Instruction)] = sms
                ? "Enter the mobile number to send sign-in codes to. We will text it a code to check."
                : "Enter the e-mail address to send sign-in codes to. We will e-mail it a code to check.",
            [nameof(CodeEnrollPage.Label)] = sms ? "Mobile number" : "E-mail address",
            [nameof(CodeEnrollPage.InputType)] = sms ? "tel" : "email",
            [nameof(CodeEnrollPage.Value)] = value ?? (sms ? context.Step.User.Phone : context.Step.User.Email),
            [nameof(CodeEnrollPage.Error)] = error,
            [nameof(CodeEnrollPage.Action)] = EnrollPath(context.Channel),
            [nameof(CodeEnrollPage.Csrf)] = csrf.Issue(http),
            [nameof(CodeEnrollPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(CodeEnrollPage.HasLogo)] = branding.Logo is { Length: > 0 },
        }) { StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest };
    }

    private static async Task<IResult> ConfirmPageAsync(HttpContext http, Context context, Enrollment pending, ISettingsStore settings,
        FormCsrf csrf, string? error)
    {
        var branding = await settings.GetWebLoginAsync(http.RequestAborted);
        PageHeaders.Apply(http);
        return new RazorComponentResult<CodeStepPage>(new Dictionary<string, object?>
        {
            [nameof(CodeStepPage.Title)] = "Set up " + context.Factor.DisplayName(),
            [nameof(CodeStepPage.Instruction)] = $"Enter the code we sent to {pending.Label}.",
            [nameof(CodeStepPage.Error)] = error,
            [nameof(CodeStepPage.Action)] = EnrollPath(context.Channel) + "/confirm",
            [nameof(CodeStepPage.Csrf)] = csrf.Issue(http),
            [nameof(CodeStepPage.CanResend)] = true,
            [nameof(CodeStepPage.OtherMethods)] = false,
            [nameof(CodeStepPage.MaxLength)] = OneTimeCodeOptions.MaxDigits,
            [nameof(CodeStepPage.BackgroundColor)] = branding.BackgroundColor,
            [nameof(CodeStepPage.HasLogo)] = branding.Logo is { Length: > 0 },
        }) { StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest };
    }
}
