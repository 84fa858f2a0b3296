using System.Net;
using System.Text.Json;
using Imprivata.Functions.Oidc;
using Microsoft.Extensions.DependencyInjection;

namespace Imprivata.Functions.Tests.Admin;

/// <summary>/console/api/resources: superadmins register the APIs clients may name with the resource parameter (RFC 8707).</summary>
public sealed class ApiResourceApiTests : SignedInSuperadmin
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Create_ValidApi_ListedRegisteredAndAudited()
    {
        var created = await Root.SendAsync(HttpMethod.Post, "/console/api/resources", new { uri = "https://records.example/api", displayName = " Patient records " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var list = await Json(await Root.SendAsync(HttpMethod.Get, "/console/api/resources"));
        var api = Assert.Single(list.EnumerateArray());
        Assert.Equal(("https://records.example/api", "Patient records"), (api.GetProperty("uri").GetString(), api.GetProperty("displayName").GetString()));
        using (var scope = Host.App.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ApiResources>().IsRegisteredAsync("https://records.example/api", default));
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.api_resource.create" && e.Result == "success" && e.Actor == "root" && e.Detail == "https://records.example/api");

        var again = await Root.SendAsync(HttpMethod.Post, "/console/api/resources", new { uri = "https://records.example/api", displayName = "Twice" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Theory]
    [InlineData("records", "Relative")]
    [InlineData("https://records.example/api#part", "Fragment")] // RFC 8707 section 2: no fragment
    [InlineData("http://records.example/api", "Plain http")]
    [InlineData("https://records.example/api", "")]
    public async Task Create_InvalidApi_RefusedWithReasonAndAudited(string uri, string displayName)
    {
        var response = await Root.SendAsync(HttpMethod.Post, "/console/api/resources", new { uri, displayName });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((await Json(response)).GetProperty("reason").GetString()));
        Assert.Empty((await Json(await Root.SendAsync(HttpMethod.Get, "/console/api/resources"))).EnumerateArray());
        Assert.Contains(Host.Audit.Events, e => e.Kind == "admin.api_resource.create" && e.Result == "failure" && e.Actor == "root");
    }
}
