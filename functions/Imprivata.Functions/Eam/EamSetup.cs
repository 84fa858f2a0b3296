using Imprivata.Core.Eam;
using Imprivata.Core.Keys;
using Imprivata.Functions.Admin;
using Imprivata.Functions.Hosting;
using Imprivata.Functions.Infrastructure;
using Imprivata.Storage.Eam;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Eam;

/// <summary>Entra ID's external authentication method (EAM): we are the provider Entra calls for its second factor.</summary>
public static class EamSetup
{
    public static void AddEam(this WebApplicationBuilder builder)
    {
        var options = new EamOptions();
        builder.Configuration.GetSection(EamOptions.Section).Bind(options);
        if (options.Problem() is { } problem)
            throw new InvalidOperationException(problem);
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(sp => new EamEndpoints(sp.GetRequiredService<IOptions<ServiceOptions>>().Value));
        services.AddSingleton<IEamProfileStore, TableEamProfileStore>();
        services.AddSingleton<IEamRequestStore, TableEamRequestStore>();
        services.AddSingleton<IEntraUserLinkStore, TableEntraUserLinkStore>();
        services.AddSingleton<EntraHintValidator>();
        services.AddSingleton<EntraUserMapping>();
        services.AddSingleton<EamAnswer>();
        services.AddSingleton<EamAuthorizeEndpoint>();
        services.AddSingleton<EamCompleteEndpoint>();
        services.AddSingleton<EamAdministration>();
        services.AddSingleton<IPurgeTask, EamRequestPurge>();
        services.AddSingleton<EamSelfCheck>();
        services.AddHttpClient(EamSelfCheck.HttpClientName);
    }

    public static void MapEam(this WebApplication app)
    {
        app.MapGet(EamEndpoints.DiscoveryPath, (EamEndpoints endpoints) => EamDiscovery.Document(endpoints));
        app.MapGet(EamEndpoints.JwksPath, (ISigningKeyRing ring, CancellationToken ct) => EamDiscovery.KeysAsync(ring, ct));
        // GET is mapped only to be refused with an error page (the hint must not travel in a URL).
        app.MapMethods(EamEndpoints.AuthorizePath, [HttpMethods.Get, HttpMethods.Post],
            (HttpContext http, EamAuthorizeEndpoint endpoint) => endpoint.HandleAsync(http));
        app.MapGet(EamEndpoints.CompletePath + "/{id}", (HttpContext http, string id, EamCompleteEndpoint endpoint) => endpoint.HandleAsync(http, id));
    }
}

/// <summary>The console's JSON API for EAM profiles and Entra user links (superadmin group of /console/api).</summary>
public static class EamAdminApi
{
    public static void MapEamAdminApi(this RouteGroupBuilder write)
    {
        write.MapGet("/eam-apps", async (EamAdministration eam, CancellationToken ct) =>
            Results.Json((await eam.ListAsync(ct)).Select(eam.View), AdminHttp.Json));
        write.MapGet("/eam-apps/{clientId}", async (string clientId, EamAdministration eam, CancellationToken ct) =>
            await eam.GetAsync(clientId, ct) is { } p ? Results.Json(eam.View(p), AdminHttp.Json) : AdminHttp.Error(404, "not_found"));
        write.MapPost("/eam-apps", async (HttpContext http, EamAdministration eam) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<EamProfileRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await eam.CreateAsync(AdminPrincipal.Required(http), body, http.RequestAborted);
            return result.Succeeded ? Results.Json(eam.View(result.Value!), AdminHttp.Json, statusCode: 201) : AdminHttp.Failure(result);
        });
        write.MapDelete("/eam-apps/{clientId}", async (string clientId, HttpContext http, EamAdministration eam) =>
            await eam.DeleteAsync(AdminPrincipal.Required(http), clientId, http.RequestAborted) ? Results.NoContent() : AdminHttp.Error(404, "not_found"));
        // Fetches our own discovery document over the public URL, as Entra will, and lists every rule it breaks.
        write.MapGet("/eam-apps/{clientId}/self-check", async (string clientId, EamAdministration eam, EamEndpoints endpoints, EamSelfCheck check,
            CancellationToken ct) =>
        {
            if (await eam.GetAsync(clientId, ct) is null)
                return AdminHttp.Error(404, "not_found");
            var problems = await check.CheckAsync(endpoints.DiscoveryUrl, ct);
            return Results.Json(new { endpoints.DiscoveryUrl, Ok = problems.Count == 0, Problems = problems }, AdminHttp.Json);
        });
        write.MapPost("/eam-links", async (HttpContext http, EamAdministration eam) =>
        {
            var (body, error) = await AdminHttp.ReadJsonAsync<EntraLinkRequest>(http);
            if (body is null)
                return AdminHttp.BadRequest(error!);
            var result = await eam.LinkAsync(AdminPrincipal.Required(http), body, http.RequestAborted);
            return result.Succeeded ? Results.Json(result.Value, AdminHttp.Json, statusCode: 201) : AdminHttp.Failure(result);
        });
    }
}

internal sealed class EamRequestPurge(IEamRequestStore store) : IPurgeTask
{
    public string Name => "eam-requests";
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) => store.PurgeExpiredAsync(now, ct);
}
