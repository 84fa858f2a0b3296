using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Imprivata.Functions.Tests.Radius.Edges;

/// <summary>Plays an edge's management calls (radius-edge/README.md, "Edge management contract") over HTTP.</summary>
public sealed class EdgeCalls(Uri baseUri) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUri };

    public Task<HttpResponseMessage> ConnectAsync(string token, string edgeId, string name = "Site edge", string version = "1.4.0") =>
        _http.PostAsJsonAsync("/radius/v1/edges/connect", new { token, edgeId, name, version });

    /// <summary>Connects and returns the credential, failing the test when refused.</summary>
    public async Task<string> ConnectedAsync(string token, string edgeId)
    {
        var response = await ConnectAsync(token, edgeId);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["credential"]!.GetValue<string>();
    }

    public Task<HttpResponseMessage> HeartbeatAsync(string edgeId, string credential, object? beat = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/radius/v1/edges/{edgeId}/heartbeat")
        {
            Content = JsonContent.Create(beat ?? new { version = "1.4.0", state = "running", pending = 0, clients = 0, configVersion = "", errors = Array.Empty<string>() }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> ConfigAsync(string edgeId, string credential, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/radius/v1/edges/{edgeId}/config");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        if (ifNoneMatch is not null)
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return _http.SendAsync(request);
    }

    public static async Task<JsonNode> JsonOf(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    public static async Task<string?> ErrorOf(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<JsonObject>(await response.Content.ReadAsStringAsync())?["error"]?.GetValue<string>();

    public void Dispose() => _http.Dispose();
}
