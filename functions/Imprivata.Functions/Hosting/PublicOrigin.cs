using Imprivata.Functions.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Imprivata.Functions.Hosting;

/// <summary>
/// Every request is treated as a request to the configured public origin (<see cref="ServiceOptions.PublicBaseUrl"/>):
/// discovery, redirects and the issuer must never follow a Host header a client wrote.
/// <list type="bullet">
/// <item>Both modes: the host is the configured one, never the Host or X-Forwarded-Host headers.</item>
/// <item>Behind the Functions host (custom-handler mode) requests reach us over plain http on loopback (Azure's front end
/// ended TLS): the scheme is the configured one too, and the client's address is the last X-Forwarded-For entry, the one
/// Azure's front end appended, taken only when the connection comes from loopback (the host). Entries further left were
/// written by the client and are ignored. Standalone, clients connect directly: scheme and address stay what they are.</item>
/// <item>An https origin answers with Strict-Transport-Security (RFC 6797): a browser that once reached the sign-in page
/// over https never sends the password over http afterwards.</item>
/// </list>
/// </summary>
public static class PublicOrigin
{
    private const string StrictTransportSecurity = "max-age=31536000";

    public static void UsePublicOrigin(this WebApplication app, HostingMode mode)
    {
        if (mode.IsCustomHandler)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("::1/128"));
            app.UseForwardedHeaders(forwarded);
        }

        var origin = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value.PublicBase;
        var host = new HostString(origin.IsDefaultPort ? origin.Host : origin.Authority);
        var https = origin.Scheme == Uri.UriSchemeHttps;
        var rewriteScheme = mode.IsCustomHandler;
        app.Use((http, next) =>
        {
            http.Request.Host = host;
            if (rewriteScheme)
                http.Request.Scheme = origin.Scheme;
            if (https)
                http.Response.Headers.StrictTransportSecurity = StrictTransportSecurity;
            return next(http);
        });
    }
}
