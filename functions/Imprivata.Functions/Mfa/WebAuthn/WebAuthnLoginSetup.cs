using Imprivata.Functions.Login;
using Imprivata.Core.Mfa;
using Imprivata.Core.Mfa.WebAuthn;
using Imprivata.Functions.Infrastructure;
using Imprivata.Functions.Mfa.WebAuthn;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Mfa.WebAuthn;

/// <summary>The WebAuthn login step (assertion) and enrollment at login (registration) in the second-factor framework.</summary>
public static class WebAuthnLoginSetup
{
    public const string LoginPath = MfaLogin.StepPath + "/webauthn";
    public const string EnrollPath = MfaLogin.EnrollPath + "/webauthn";

    public static void AddWebAuthnLogin(this WebApplicationBuilder builder) =>
        // Without a relying party (an IP-address host) the route has no paths, so the chooser never offers WebAuthn.
        builder.Services.AddSingleton(sp => sp.GetRequiredService<WebAuthnCeremonies>().IsAvailable
            ? new LoginStepRoute(Factor.WebAuthn, LoginPath, EnrollPath)
            : new LoginStepRoute(Factor.WebAuthn, null, null));

    public static void MapWebAuthnLogin(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<WebAuthnCeremonies>().IsAvailable)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebAuthnLoginSetup)).LogWarning(
                "WebAuthn is not offered at login: browsers refuse {PublicBase} as a relying party (IP address, or plain http off localhost); use a host name such as http://localhost:7071",
                app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase);
            return;
        }
        app.MapGet(LoginPath, WebAuthnLoginEndpoints.ShowLoginAsync);
        app.MapPost(LoginPath, WebAuthnLoginEndpoints.VerifyLoginAsync);
        app.MapGet(EnrollPath, WebAuthnLoginEndpoints.ShowEnrollAsync);
        app.MapPost(EnrollPath, WebAuthnLoginEndpoints.VerifyEnrollAsync);
    }
}
