namespace Imprivata.Functions.Tests.Hosting;

public class FunctionRouteTemplateTests
{
    [Theory]
    [InlineData("health", "/health", true)]
    [InlineData("health", "/healthz", false)]
    [InlineData("health", "/health/x", false)]
    [InlineData("connect/{*rest}", "/connect", true)]
    [InlineData("connect/{*rest}", "/connect/token", true)]
    [InlineData("connect/{*rest}", "/connect/a/b/c", true)]
    [InlineData("connect/{*rest}", "/connector", false)]
    [InlineData(".well-known/{*rest}", "/.well-known/openid-configuration", true)]
    [InlineData("users/{id}", "/users/7", true)]
    [InlineData("users/{id}", "/users", false)]
    [InlineData("users/{id?}", "/users", true)]
    [InlineData("{root:maxlength(0)?}", "/", true)]
    [InlineData("{root:maxlength(0)?}", "/login", false)]
    [InlineData("Admin/{*rest}", "/admin/users", true)]
    public void Matches_Path_AsFunctionsRouting(string template, string path, bool expected)
    {
        Assert.Equal(expected, FunctionRouteTemplate.Parse(template).Matches(path));
    }

    [Theory]
    [InlineData("files/{name}.txt")]
    [InlineData("users/{id:int}")]
    public void Parse_UnsupportedTemplate_Throws(string template)
    {
        Assert.Throws<NotSupportedException>(() => FunctionRouteTemplate.Parse(template));
    }
}
