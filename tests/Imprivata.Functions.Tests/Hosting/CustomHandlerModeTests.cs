using System.Net;
using System.Text.Json;
using Imprivata.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection;

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
}
