using System.Net;
using System.Reflection;
using System.Text.Json;
using Imprivata.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Imprivata.Functions.Tests.Hosting;

public class CustomHandlerModeTests(CustomHandlerAppFixture fixture) : IClassFixture<CustomHandlerAppFixture>
{
    private HttpClient Client => fixture.Host.Client;

    private static IReadOnlyList<FunctionDefinition> Functions => FunctionCatalog.Load(FunctionAppFolder.Path).Functions;

    [Fact]
    public async Task PostFunction_TimerPayload_AnswersHostResponseShape()
    {
        var body = HostPayload.ForTimer(PurgeExpiredFunction.Name, "timer", DateTimeOffset.UnixEpoch, false, Guid.NewGuid());

        using var response = await Client.PostAsync("/" + PurgeExpiredFunction.Name, new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task PostFunction_UnknownName_NotFoundWithReason()
    {
        using var response = await Client.PostAsync("/NoSuchFunction", new StringContent("""{"Data":{},"Metadata":{}}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("unknown_function", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostFunction_MalformedBody_BadRequest()
    {
        using var response = await Client.PostAsync("/" + PurgeExpiredFunction.Name, new StringContent("not json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GetRoot_ReadinessProbe_Answers()
    {
        using var response = await Client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetHealth_StorageUp_ReportsStorageReady()
    {
        using var response = await Client.GetAsync("/health");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("ready", json.RootElement.GetProperty("storage").GetString());
        var ready = json.RootElement.GetProperty("status").GetString() == "ready";
        Assert.Equal(ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public void EveryNonHttpFunction_HasRegisteredHandler()
    {
        var registry = fixture.Host.App.Services.GetRequiredService<FunctionRegistry>();

        var missing = Functions.Where(f => !f.IsHttp && !registry.TryGet(f.Name, out _)).Select(f => f.Name).ToList();

        Assert.Contains(Functions, f => !f.IsHttp);
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryMappedRoute_IsCoveredByAnHttpFunction()
    {
        var functions = Functions.Where(f => f.IsHttp)
            .Select(f => (Template: FunctionRouteTemplate.Parse(f.Route ?? f.Name), Methods: f.Methods))
            .ToList();

        var uncovered = new List<string>();
        foreach (var (path, methods, source) in ServedPaths())
        {
            var covered = functions.Any(f => f.Template.Matches(path) && (f.Methods.Count == 0 || methods.All(m => f.Methods.Contains(m))));
            if (!covered)
                uncovered.Add($"{string.Join(",", methods)} {path} (from {source})");
        }

        Assert.Contains(ServedPaths(), p => p.Path == "/health");
        Assert.Empty(uncovered);
    }

    /// <summary>Concrete paths for every endpoint pattern (parameters filled, optional parts both present and absent) and OpenIddict endpoint URIs.</summary>
    private IEnumerable<(string Path, IReadOnlyList<string> Methods, string Source)> ServedPaths()
    {
        var services = fixture.Host.App.Services;
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints
            .Concat(((IEndpointRouteBuilder)fixture.Host.App).DataSources.SelectMany(d => d.Endpoints))
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<FunctionInvocationEndpointMetadata>() is null)
            .Distinct();
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var pattern = endpoint.RoutePattern;
            yield return (SamplePath(pattern, withOptional: true), methods.ToList(), pattern.RawText ?? "?");
            yield return (SamplePath(pattern, withOptional: false), methods.ToList(), pattern.RawText ?? "?");
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
