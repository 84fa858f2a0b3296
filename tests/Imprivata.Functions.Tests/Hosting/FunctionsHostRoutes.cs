using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Hosting;

/// <summary>An HTTP-triggered function as the Functions host reads it from its function.json.</summary>
public sealed record HttpFunction(string Name, string? Route, IReadOnlyList<string> Methods);

/// <summary>A function the host puts in error instead of routing to it, with the host's reason.</summary>
public sealed record RouteRefusal(string Function, string Route, string Reason);

/// <summary>
/// The Functions host's HTTP routing of our function.json files, rule for rule: ScriptHost.ValidateHttpFunction (an empty route
/// becomes the function name; a route that, trimmed of '/' and lower-cased, starts with "admin" or "runtime" is refused as a
/// plain text prefix; two routes equal ignoring case with overlapping methods conflict), then WebJobsRouteBuilder (an ASP.NET
/// Core <see cref="Route"/> per function, template = routePrefix + '/' + route, an httpMethod constraint when methods are
/// listed). A refused function is left out and the rest keep running, as the host does.
/// </summary>
public sealed class FunctionsHostRoutes
{
    private static readonly string[] ReservedPrefixes = ["admin", "runtime"];
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddRouting().BuildServiceProvider();

    private readonly List<(HttpFunction Function, Route Route)> _routes = [];
    private readonly List<RouteRefusal> _refusals = [];

    private FunctionsHostRoutes(string routePrefix) => RoutePrefix = routePrefix;

    public string RoutePrefix { get; }
    public IReadOnlyList<RouteRefusal> Refusals => _refusals;
    public IReadOnlyList<HttpFunction> Accepted => _routes.Select(r => r.Function).ToList();

    /// <summary>Reads every &lt;Name&gt;/function.json under the folder and host.json's extensions.http.routePrefix (default "api").</summary>
    public static FunctionsHostRoutes Load(string functionAppFolder, string hostJsonPath)
    {
        var functions = new List<HttpFunction>();
        foreach (var folder in Directory.GetDirectories(functionAppFolder).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(folder, "function.json");
            if (File.Exists(file) && ReadHttpTrigger(Path.GetFileName(folder), File.ReadAllText(file)) is { } function)
                functions.Add(function);
        }
        return Build(functions, ReadRoutePrefix(File.ReadAllText(hostJsonPath)));
    }

    public static FunctionsHostRoutes Build(IEnumerable<HttpFunction> functions, string routePrefix)
    {
        var routes = new FunctionsHostRoutes(routePrefix);
        foreach (var function in functions)
            routes.Add(function);
        return routes;
    }

    /// <summary>The function whose route the host would match for this request, or null when the host answers 404 itself.</summary>
    public async Task<string?> FunctionForAsync(string method, string path)
    {
        foreach (var (function, route) in _routes)
        {
            var http = new DefaultHttpContext { RequestServices = Services };
            http.Request.Method = method;
            http.Request.Path = new PathString(path);
            var context = new RouteContext(http);
            await route.RouteAsync(context);
            if (context.Handler is not null)
                return function.Name;
        }
        return null;
    }

    private void Add(HttpFunction declared)
    {
        var function = string.IsNullOrWhiteSpace(declared.Route) ? declared with { Route = declared.Name } : declared;
        var route = function.Route!;
        if (_routes.Any(r => string.Equals(r.Function.Name, function.Name, StringComparison.OrdinalIgnoreCase)))
        {
            Refuse(function, $"The function or proxy name '{function.Name}' must be unique within the function app.");
            return;
        }
        var normalized = route.Trim('/').ToLowerInvariant();
        if (ReservedPrefixes.Any(p => normalized.StartsWith(p, StringComparison.Ordinal)))
        {
            Refuse(function, "The specified route conflicts with one or more built in routes.");
            return;
        }
        var clash = _routes.FirstOrDefault(r =>
            string.Equals(r.Function.Route!.Trim('/'), route.Trim('/'), StringComparison.OrdinalIgnoreCase) && MethodsOverlap(r.Function, function));
        if (clash.Function is not null)
        {
            Refuse(function, $"The route specified conflicts with the route defined by function '{clash.Function.Name}'.");
            return;
        }
        var template = string.IsNullOrEmpty(RoutePrefix) ? route : RoutePrefix + "/" + route;
        var constraints = new Dictionary<string, object>();
        if (function.Methods.Count > 0)
            constraints["httpMethod"] = new HttpMethodRouteConstraint(function.Methods.ToArray());
        try
        {
            _routes.Add((function, new Route(new RouteHandler(_ => Task.CompletedTask), function.Name, template,
                new RouteValueDictionary(), constraints, new RouteValueDictionary(), Services.GetRequiredService<IInlineConstraintResolver>())));
        }
        catch (Exception e) when (e is RouteCreationException or InvalidOperationException or ArgumentException)
        {
            Refuse(function, e.Message);
        }
    }

    private void Refuse(HttpFunction function, string reason) => _refusals.Add(new RouteRefusal(function.Name, function.Route!, reason));

    // No methods listed means every method, which overlaps with anything.
    private static bool MethodsOverlap(HttpFunction a, HttpFunction b) =>
        a.Methods.Count == 0 || b.Methods.Count == 0 || a.Methods.Intersect(b.Methods, StringComparer.OrdinalIgnoreCase).Any();

    private static HttpFunction? ReadHttpTrigger(string name, string json)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var binding in document.RootElement.GetProperty("bindings").EnumerateArray())
        {
            if (!binding.TryGetProperty("type", out var type) || !string.Equals(type.GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase))
                continue;
            var route = binding.TryGetProperty("route", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var methods = binding.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToList()
                : [];
            return new HttpFunction(name, route, methods);
        }
        return null;
    }

    private static string ReadRoutePrefix(string hostJson)
    {
        using var document = JsonDocument.Parse(hostJson);
        return document.RootElement.TryGetProperty("extensions", out var extensions)
               && extensions.TryGetProperty("http", out var http)
               && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString() ?? "api"
            : "api";
    }
}
