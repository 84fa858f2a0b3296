namespace Imprivata.Functions.Tests.Hosting;

/// <summary>The host's rules as <see cref="FunctionsHostRoutes"/> applies them, on made-up functions.</summary>
public class FunctionsHostRoutesTests
{
    private static readonly string[] GetPost = ["GET", "POST"];

    private static FunctionsHostRoutes Build(params HttpFunction[] functions) => FunctionsHostRoutes.Build(functions, "");

    [Theory]
    [InlineData("admin/{*rest}")]
    [InlineData("/Admin/x/")]
    [InlineData("administration")]
    [InlineData("adminconsole/{*rest}")]
    [InlineData("runtime")]
    [InlineData("RuntimeStatus/{id}")]
    public void Build_ReservedPrefix_RefusesTheFunction(string route)
    {
        var routes = Build(new HttpFunction("Console", route, GetPost));

        var refusal = Assert.Single(routes.Refusals);
        Assert.Equal("Console", refusal.Function);
        Assert.Contains("built in routes", refusal.Reason);
        Assert.Empty(routes.Accepted);
    }

    [Theory]
    [InlineData("console/{*rest}")]
    [InlineData("my/admin")]
    [InlineData("api/runtime")]
    public void Build_ReservedWordElsewhere_Accepted(string route)
    {
        var routes = Build(new HttpFunction("Console", route, GetPost));

        Assert.Empty(routes.Refusals);
    }

    [Fact]
    public void Build_RoutePrefixAdmin_NotChecked()
    {
        // The host checks the function's own route only, never extensions.http.routePrefix.
        var routes = FunctionsHostRoutes.Build([new HttpFunction("Users", "users", GetPost)], "admin");

        Assert.Empty(routes.Refusals);
    }

    [Fact]
    public void Build_EmptyRoute_FallsBackToTheFunctionName()
    {
        var routes = Build(new HttpFunction("AdminPing", null, GetPost));

        Assert.Equal("AdminPing", Assert.Single(routes.Refusals).Route);
    }

    [Fact]
    public void Build_SameRouteIgnoringCaseAndSlashes_OverlappingMethods_SecondRefused()
    {
        var routes = Build(new HttpFunction("A", "items/{id}", GetPost), new HttpFunction("B", "/Items/{id}/", ["post"]));

        var refusal = Assert.Single(routes.Refusals);
        Assert.Equal("B", refusal.Function);
        Assert.Contains("function 'A'", refusal.Reason);
    }

    [Fact]
    public void Build_SameRouteNoMethods_ConflictsWithAnything()
    {
        var routes = Build(new HttpFunction("A", "items", ["DELETE"]), new HttpFunction("B", "items", []));

        Assert.Equal("B", Assert.Single(routes.Refusals).Function);
    }

    [Fact]
    public void Build_SameRouteDisjointMethods_BothAccepted()
    {
        var routes = Build(new HttpFunction("A", "items", ["GET"]), new HttpFunction("B", "items", ["POST"]));

        Assert.Empty(routes.Refusals);
        Assert.Equal(2, routes.Accepted.Count);
    }

    [Fact]
    public void Build_DifferentParameterNames_NotATextualConflict()
    {
        var routes = Build(new HttpFunction("A", "items/{id}", GetPost), new HttpFunction("B", "items/{key}", GetPost));

        Assert.Empty(routes.Refusals);
    }

    [Fact]
    public void Build_DuplicateNameIgnoringCase_Refused()
    {
        var routes = Build(new HttpFunction("Login", "login", GetPost), new HttpFunction("login", "signin", GetPost));

        Assert.Contains("must be unique", Assert.Single(routes.Refusals).Reason);
    }

    [Theory]
    [InlineData("files/{name")]
    [InlineData("users/{id:nosuchconstraint}")]
    [InlineData("a/{*rest}/b")]
    public void Build_TemplateAspNetCoreRejects_Refused(string route)
    {
        var routes = Build(new HttpFunction("Bad", route, GetPost));

        Assert.Equal("Bad", Assert.Single(routes.Refusals).Function);
    }

    [Theory]
    [InlineData("health", "GET", "/health", true)]
    [InlineData("health", "GET", "/healthz", false)]
    [InlineData("health", "GET", "/health/x", false)]
    [InlineData("health", "DELETE", "/health", false)]
    [InlineData("connect/{*rest}", "POST", "/connect", true)]
    [InlineData("connect/{*rest}", "POST", "/connect/token", true)]
    [InlineData("connect/{*rest}", "GET", "/connect/a/b/c", true)]
    [InlineData("connect/{*rest}", "GET", "/connector", false)]
    [InlineData(".well-known/{*rest}", "GET", "/.well-known/openid-configuration", true)]
    [InlineData("users/{id:int}", "GET", "/users/7", true)]
    [InlineData("users/{id:int}", "GET", "/users/x", false)]
    [InlineData("users/{id?}", "GET", "/users", true)]
    [InlineData("{root:maxlength(0)?}", "GET", "/", true)]
    [InlineData("{root:maxlength(0)?}", "GET", "/login", false)]
    [InlineData("Console/{*rest}", "GET", "/console/users", true)]
    public async Task FunctionFor_Request_MatchesAsAspNetCoreRouting(string route, string method, string path, bool expected)
    {
        var routes = Build(new HttpFunction("F", route, GetPost));

        Assert.Equal(expected ? "F" : null, await routes.FunctionForAsync(method, path));
    }

    [Fact]
    public async Task FunctionFor_RoutePrefix_IsPartOfTheTemplate()
    {
        var routes = FunctionsHostRoutes.Build([new HttpFunction("Health", "health", ["GET"])], "api");

        Assert.Equal("Health", await routes.FunctionForAsync("GET", "/api/health"));
        Assert.Null(await routes.FunctionForAsync("GET", "/health"));
    }

    [Fact]
    public async Task FunctionFor_RefusedFunction_RoutesNothing()
    {
        var routes = Build(new HttpFunction("Admin", "admin/{*rest}", GetPost));

        Assert.Null(await routes.FunctionForAsync("GET", "/admin/users"));
    }
}
