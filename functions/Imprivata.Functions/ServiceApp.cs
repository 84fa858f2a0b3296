using Imprivata.Functions.Admin;
using Imprivata.Functions.Eam;
using Imprivata.Functions.UserDirectory;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Keys;
using Imprivata.Functions.Login;
using Imprivata.Functions.Mfa.WebAuthn;
using Imprivata.Functions.Mfa;
using Imprivata.Functions.Mfa.Codes;
using Imprivata.Functions.Mfa.Otp;
using Imprivata.Functions.Mfa.TemporaryCodes;
using Imprivata.Functions.Oidc;
using Imprivata.Functions.Mfa.Push;
using Imprivata.Functions.Telemetry;
using Imprivata.Functions.Radius;

namespace Imprivata.Functions;

/// <summary>Composition root: every feature registers its services and maps its endpoints here, in one visible order.</summary>
public static class ServiceApp
{
    /// <param name="configure">
    /// Lets tests and the benchmark override settings (ports, tables) without environment variables, and the local demo
    /// (functions/Imprivata.Demo, not packaged) add its own parts; it runs before the hosting mode is detected.
    /// </param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton(TimeProvider.System);
        configure?.Invoke(builder);
        // Detected after configure so tests can choose the mode (FUNCTIONS_CUSTOMHANDLER_PORT) through configuration.
        var mode = HostingMode.Detect(builder.Configuration);
        builder.Services.AddSingleton(mode);

        builder.AddTelemetry();
        builder.AddHosting(mode);
        builder.AddStorage();
        builder.AddKeyRing();
        builder.AddDirectory();
        builder.AddLogin();
        builder.AddMfa();
        builder.AddCodes(mode);
        builder.AddMfaLogin();
        builder.AddWebAuthn();
        builder.AddWebAuthnLogin();
        builder.AddOtpTokens();
        builder.AddTemporaryCodes();
        builder.AddPush();
        builder.AddRadius(mode);
        builder.AddOidc();
        builder.AddEam();
        builder.AddAdmin();

        var app = builder.Build();
        app.UsePublicOrigin(mode);
        app.UseMalformedFormRefusal();
        app.UseHosting(mode);
        app.MapLogin();
        app.MapMfaLogin();
        app.MapWebAuthnLogin();
        app.MapCodeEnrollment();
        app.MapOidc();
        app.MapEam();
        app.MapAdmin();
        app.MapOtpTokens();
        app.MapTemporaryCodes();
        app.MapPush();
        app.MapRadius();
        if (mode.IsStandalone)
            app.MapOutbox();
        return app;
    }
}
