using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>
/// Our FunctionApp/*/function.json files under the Functions host's routing rules (<see cref="FunctionsHostRoutes"/>): the host
/// must accept every HTTP function, and proxy every route the app maps to one of them. A function the host refuses is not an
/// error at deployment: it is silently missing, so its pages answer the host's own 404.
/// </summary>
public class FunctionAppRoutesTests(CustomHandlerAppFixture fixture) : IClassFixture<CustomHandlerAppFixture>
{
    private static FunctionsHostRoutes HostRoutes =>
        FunctionsHostRoutes.Load(FunctionAppFolder.Path, Path.Combine(RepoPaths.Root, "host.json"));

    [Fact]
    public void EveryHttpFunction_RouteAvoidsTheHostsReservedPrefixes()
    {
        var reserved = HostRoutes.Refusals.Where(r => r.Reason.Contains("built in routes", StringComparison.Ordinal))
            .Select(r => $"{r.Function}: route '{r.Route}' starts with a prefix the host keeps for itself (admin, runtime)").ToList();

        Assert.Empty(reserved);
    }

    [Fact]
    public void EveryHttpFunction_AcceptedByTheHost()
    {
        var routes = HostRoutes;

        Assert.NotEmpty(routes.Accepted);
        Assert.Empty(routes.Refusals.Select(r => $"{r.Function} ({r.Route}): {r.Reason}"));
    }

    [Fact]
    public void HostJson_RoutePrefixEmpty_SoPublicPathsAreTheAppsOwn()
    {
        Assert.Equal("", HostRoutes.RoutePrefix);
    }

    [Fact]
    public async Task EveryMappedRoute_IsProxiedByAnAcceptedFunction()
    {
        var routes = HostRoutes;
        var served = ServedPaths().ToList();

        var unproxied = new List<string>();
        foreach (var (path, methods, source) in served)
            foreach (var method in methods)
                if (await routes.FunctionForAsync(method, path) is null)
                    unproxied.Add($"{method} {path} (from {source})");

        Assert.Contains(served, p => p.Path == "/health");
        Assert.Empty(unproxied.Distinct());
    }

    /// <summary>Concrete requests for every endpoint pattern (parameters filled, optional parts both present and absent) and OpenIddict endpoint URIs.</summary>
    private IEnumerable<(string Path, IReadOnlyList<string> Methods, string Source)> ServedPaths()
    {
        var services = fixture.Host.App.Services;
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints
            .Concat(((IEndpointRouteBuilder)fixture.Host.App).DataSources.SelectMany(d => d.Endpoints))
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Imprivata.Functions.Hosting.FunctionInvocationEndpointMetadata>() is null)
            .Distinct();
        foreach (var endpoint in endpoints)
        {
            // An endpoint without a method list answers any method: the browser's GET and a form's POST are what must get through.
            IReadOnlyList<string> methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() is { Count: > 0 } listed
                ? listed
                : [HttpMethods.Get, HttpMethods.Post];
            var pattern = endpoint.RoutePattern;
            yield return (SamplePath(pattern, withOptional: true), methods, pattern.RawText ?? "?");
            yield return (SamplePath(pattern, withOptional: false), methods, pattern.RawText ?? "?");
        }

        // OpenIddict serves its endpoints from middleware, not endpoint routing: read their configured URIs.
        var openIddict = services.GetService<IOptions<OpenIddictServerOptions>>()?.Value;
        if (openIddict is null)
            yield break;
        foreach (var property in typeof(OpenIddictServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.Name.EndsWith("EndpointUris", StringComparison.Ordinal) && typeof(IEnumerable<Uri>).IsAssignableFrom(p.PropertyType)))
        {
            foreach (var uri in (IEnumerable<Uri>)property.GetValue(openIddict)!)
            {
                var path = uri.IsAbsoluteUri ? uri.AbsolutePath : "/" + uri.OriginalString.TrimStart('/');
                // Discovery and JWKS are GET-only (OpenID Connect Discovery 1.0 section 4, RFC 7517); the others accept POST too.
                IReadOnlyList<string> methods = property.Name is "ConfigurationEndpointUris" or "JsonWebKeySetEndpointUris"
                    ? [HttpMethods.Get]
                    : [HttpMethods.Get, HttpMethods.Post];
                yield return (path, methods, "OpenIddict " + property.Name);
            }
        }
    }

    private static string SamplePath(RoutePattern pattern, bool withOptional)
    {
        var segments = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            var text = string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart { IsCatchAll: true } => withOptional ? "a/b" : "",
                RoutePatternParameterPart { IsOptional: true } => withOptional ? "x" : "",
                RoutePatternParameterPart => "x",
                _ => "",
            }));
            if (text.Length > 0)
                segments.Add(text);
        }
        return "/" + string.Join("/", segments);
    }
}
