using Microsoft.Extensions.DependencyInjection.Extensions;
using Imprivata.Core.Audit;
using Imprivata.Core.Passwords;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Access;
using Imprivata.Functions.Audit;
using Imprivata.Functions.Infrastructure;
using Imprivata.Storage.Audit;
using Imprivata.Storage.Sessions;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Login;

public static class LoginSetup
{
    public static void AddLogin(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<PasswordCheck>();
        builder.Services.AddSingleton<ISsoSessionStore, TableSsoSessionStore>();
        builder.Services.TryAddSingleton<IAuditLog, TableAuditLog>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<SsoSessions>();
        builder.Services.AddAccessSteps();
        builder.Services.AddSingleton<PasswordSignIn>();
        builder.Services.AddSingleton(sp => new FormCsrf(sp.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase.Scheme == Uri.UriSchemeHttps));
        builder.Services.AddSingleton<Hosting.IPurgeTask, SsoSessionPurge>();
    }

    public static void MapLogin(this WebApplication app)
    {
        app.MapGet(LoginEndpoints.Path, LoginEndpoints.ShowAsync);
        app.MapPost(LoginEndpoints.Path, LoginEndpoints.SubmitAsync);
        app.MapGet("/login/logo", LoginEndpoints.LogoAsync);
        app.MapGet(Oidc.EndSessionEndpoint.SignedOutPath, (HttpContext http) => Oidc.OidcResults.ErrorPage(http, "Signed out",
            "You have signed out of all applications in this browser.", code: null, StatusCodes.Status200OK));
        app.MapGet("/login/done", (HttpContext http) => Oidc.OidcResults.ErrorPage(http, "Signed in",
            "You are signed in. Return to your application.", code: null, StatusCodes.Status200OK));
    }
}

/// <summary>Removes SSO sessions past their end (the PurgeExpired timer calls every purge task).</summary>
internal sealed class SsoSessionPurge(ISsoSessionStore store) : Hosting.IPurgeTask
{
    public string Name => "sso-sessions";
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) => store.PurgeExpiredAsync(now, ct);
}
