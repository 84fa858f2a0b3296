using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.HardwareTokens;
using Imprivata.Core.Mfa.Otp;
using Imprivata.Functions.Login;
using Imprivata.Storage.Mfa;

namespace Imprivata.Functions.Mfa.Otp;

/// <summary>OTP tokens: verification, authenticator-app enrollment, the hardware token inventory and its admin surface.</summary>
public static class OtpSetup
{
    /// <summary>Needs AddMfa (enrollments, secret protector) and AddAdmin (audit of admin actions).</summary>
    public static void AddOtpTokens(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(builder.Configuration.GetSection(OtpOptions.Section).Get<OtpOptions>() ?? new OtpOptions());
        builder.Services.AddSingleton<OtpTokenVerifier>();
        builder.Services.AddSingleton<TotpEnrollment>();
        builder.Services.AddSingleton<IHardwareTokenStore, TableHardwareTokenStore>();
        builder.Services.AddSingleton<HardwareTokenInventory>();
        builder.Services.AddSingleton<OtpTokenAdministration>();
        builder.Services.AddSingleton<OtpSignIn>();
        builder.Services.AddSingleton<ICodeFactor, OtpCodeFactor>();
        builder.Services.AddSingleton(new LoginStepRoute(Factor.OtpToken, LoginPath: null, TotpEnrollEndpoints.Path));
    }

    public static void MapOtpTokens(this WebApplication app)
    {
        app.MapOtpTokenApi();
        app.MapOtpTokenPages();
        app.MapTotpEnrollment();
    }
}
