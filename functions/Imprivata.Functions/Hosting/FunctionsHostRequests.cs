using Imprivata.Functions.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Behind the Functions host (custom-handler mode) every request reaches us over plain http on loopback: Azure's front end
/// ended TLS, the host forwarded the request. Left as it arrives, OpenIddict would refuse every request of an https issuer
/// (transport security) and every audit event would name the host (127.0.0.1) instead of the client.
/// <list type="bullet">
/// <item>Scheme and host are the configured public origin (<see cref="ServiceOptions.PublicBaseUrl"/>), never the Host or
/// X-Forwarded-Host/-Proto headers, which a client can write.</item>
/// <item>The client's address is the last X-Forwarded-For entry, the one Azure's front end appended, taken only when the
/// connection comes from loopback (the host). Entries further left were written by the client and are ignored.</item>
/// </list>
/// Standalone, clients connect to us directly: nothing is rewritten and X-Forwarded-For is ignored.
/// </summary>
public static class FunctionsHostRequests
{
    public static void UseFunctionsHostRequests(this WebApplication app, HostingMode mode)
    {
        if (!mode.IsCustomHandler)
            return;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
        forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("::1/128"));
        app.UseForwardedHeaders(forwarded);

        var origin = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase;
        var host = new HostString(origin.IsDefaultPort ? origin.Host : origin.Authority);
        app.Use((http, next) =>
        {
            http.Request.Scheme = origin.Scheme;
            http.Request.Host = host;
            return next(http);
        });
    }
}
