using Imprivata.Storage.Sessions;
using Imprivata.Core.Sessions;
using Imprivata.Functions.Oidc;
using Imprivata.Core.UserDirectory;
using Imprivata.Functions.Admin.Setup;

namespace Imprivata.Functions.Admin;

public static class AdminSetup
{
    /// <summary>
    /// Admin console and API. Needs from other features: <see cref="Core.Audit.IAuditLog"/> (Audit) and
    /// <see cref="IOidcClientRegistry"/> (Oidc); the directory stores come from AddDirectory.
    /// </summary>
    public static void AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<AdminOptions>(builder.Configuration.GetSection(AdminOptions.Section));
        builder.Services.AddSingleton<AdminCookies>();
        builder.Services.AddSingleton<IAdminSessionStore, TableAdminSessionStore>();
        builder.Services.AddSingleton<AdminSessions>();
        builder.Services.AddSingleton<AdminSignIn>();
        builder.Services.AddSingleton<AdminSecondFactor>();
        builder.Services.AddSingleton<AdminAudit>();
        builder.Services.AddSingleton<AdminBootstrap>();
        builder.AddFirstAdministratorSetup();
        builder.Services.AddSingleton<UserAdministration>();
        builder.Services.AddSingleton<GroupAdministration>();
        builder.Services.AddSingleton<AppAdministration>();
        builder.Services.AddSingleton<RemoteAccess.RadiusClientAdministration>();
        builder.Services.AddSingleton<WebLoginAdministration>();
        builder.Services.AddSingleton<DirectoryPicker>();
        // These use the policy engine's stores (AddMfaLogin) and the enrollment store (AddMfa).
        builder.Services.AddSingleton<Policies.PolicyAdministration>();
        builder.Services.AddSingleton<Methods.EnrolledMethodsAdministration>();
        builder.Services.AddSingleton<Reports.EnrollmentReports>();
        builder.Services.AddSingleton<Reports.AuditLogReport>();
        builder.Services.AddSingleton<Reports.RadiusActivityReport>();
        // Static server rendering of the console's components; no interactivity, no circuit.
        builder.Services.AddRazorComponents();
    }

    public static void MapAdmin(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(AdminHttp.ConsolePath), admin => admin.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            // Clickjacking (frame-ancestors 'none', with X-Frame-Options for old browsers); no inline script anywhere.
            headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            // Console URLs (searches, ids) never go to another origin; our own pages see where a refused form came from.
            headers["Referrer-Policy"] = "same-origin";
            // Pages can carry a client secret once: never cache.
            headers.CacheControl = "no-store";
            await next(context);
        }));

        app.MapAdminLogin();
        app.MapAdminSecondFactor();
        app.MapFirstAdministratorSetup();
        app.MapAdminPages();
        app.MapAdminApi();
    }
}
