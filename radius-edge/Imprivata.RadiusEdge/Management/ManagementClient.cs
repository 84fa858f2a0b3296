using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Imprivata.RadiusEdge.Management;

/// <summary>
/// One call's outcome: the body on success, <see cref="NotModified"/> for 304, otherwise the contract's error code (or
/// <c>unreachable</c> / <c>bad_response</c>). Failures are values: the callers decide what each means.
/// </summary>
public sealed record ManagementResult<T>(T? Value, HttpStatusCode? Status, string? Error, string? Reason) where T : class
{
    public bool IsSuccess => Value is not null;
    public bool NotModified => Status == HttpStatusCode.NotModified;
    public bool Unauthorized => Status == HttpStatusCode.Unauthorized;

    /// <summary>For logs and the heartbeat's error list: codes and the backend's reason, never a credential.</summary>
    public string Describe() => Status is null ? $"{Error}: {Reason}" : $"HTTP {(int)Status.Value} {Error}{(Reason is null ? "" : ": " + Reason)}";
}

/// <summary>The edge's side of the management contract over HTTP (radius-edge/README.md, "Edge management contract").</summary>
public sealed class ManagementClient(HttpClient http)
{
    public Task<ManagementResult<ConnectResponse>> ConnectAsync(Uri baseUri, ConnectRequest request, CancellationToken ct) =>
        SendAsync<ConnectResponse>(new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "radius/v1/edges/connect"))
        {
            Content = JsonContent.Create(request, options: ManagementContract.Json),
        }, ct);

    public Task<ManagementResult<HeartbeatResponse>> HeartbeatAsync(EdgeCredential credential, HeartbeatRequest heartbeat, CancellationToken ct)
    {
        var message = Authorized(HttpMethod.Post, credential, $"radius/v1/edges/{Uri.EscapeDataString(credential.EdgeId)}/heartbeat");
        message.Content = JsonContent.Create(heartbeat, options: ManagementContract.Json);
        return SendAsync<HeartbeatResponse>(message, ct);
    }

    /// <param name="knownVersion">The version the edge serves: sent as an RFC 9110 entity tag, so an unchanged list is a 304.</param>
    public Task<ManagementResult<EdgeConfig>> ConfigAsync(EdgeCredential credential, string? knownVersion, CancellationToken ct)
    {
        var message = Authorized(HttpMethod.Get, credential, $"radius/v1/edges/{Uri.EscapeDataString(credential.EdgeId)}/config");
        if (!string.IsNullOrEmpty(knownVersion))
            message.Headers.TryAddWithoutValidation("If-None-Match", "\"" + knownVersion.Replace("\"", "") + "\"");
        return SendAsync<EdgeConfig>(message, ct);
    }

    public Task<ManagementResult<SealKeyResponse>> SealKeyAsync(EdgeCredential credential, CancellationToken ct) =>
        SendAsync<SealKeyResponse>(Authorized(HttpMethod.Get, credential, "radius/v1/seal-key"), ct);

    private static HttpRequestMessage Authorized(HttpMethod method, EdgeCredential credential, string path)
    {
        var message = new HttpRequestMessage(method, new Uri(credential.BaseUri, path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential.Credential);
        return message;
    }

    private async Task<ManagementResult<T>> SendAsync<T>(HttpRequestMessage message, CancellationToken ct) where T : class
    {
        using (message)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(message, ct);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // The exception text names the host and the socket error, never the request's headers.
                return new(null, null, "unreachable", e is TaskCanceledException ? "timed out" : e.Message);
            }
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.NotModified)
                    return new(null, response.StatusCode, null, null);
                try
                {
                    if (response.IsSuccessStatusCode)
                    {
                        var value = await response.Content.ReadFromJsonAsync<T>(ManagementContract.Json, ct);
                        return value is null ? new(null, response.StatusCode, "bad_response", "empty body") : new(value, response.StatusCode, null, null);
                    }
                    var error = await response.Content.ReadFromJsonAsync<ManagementError>(ManagementContract.Json, ct);
                    return new(null, response.StatusCode, error?.Error ?? "http_error", Bounded(error?.Reason));
                }
                catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException)
                {
                    return new(null, response.StatusCode, response.IsSuccessStatusCode ? "bad_response" : "http_error", "the body is not the contract's JSON");
                }
            }
        }
    }

    private static string? Bounded(string? text) => text is null ? null : text.Length <= 200 ? text : text[..200];
}
