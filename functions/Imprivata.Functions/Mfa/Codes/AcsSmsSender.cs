using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Imprivata.Core.Mfa.Codes;

namespace Imprivata.Functions.Mfa.Codes;

/// <summary>
/// SMS through the Azure Communication Services REST API (POST {endpoint}/sms?api-version=2021-03-07), authenticated with
/// the access key (HMAC-SHA256) or, without a key, with an Entra token for the app's identity.
/// </summary>
public sealed partial class AcsSmsSender(IHttpClientFactory clients, AcsSmsOptions options, TokenCredential? identity, TimeProvider time,
    ILogger<AcsSmsSender> logger) : ISmsSender
{
    public const string HttpClientName = "acs-sms";
    public const string ApiVersion = "2021-03-07";
    private static readonly string[] Scopes = ["https://communication.azure.com//.default"];

    public async Task<SendResult> SendAsync(SmsMessage message, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new SendRequest(options.From, [new Recipient(message.To)], message.Text, new SendOptions(false)));
        var uri = new Uri(options.Endpoint.TrimEnd('/') + "/sms?api-version=" + ApiVersion);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            await AuthenticateAsync(request, body, ct).ConfigureAwait(false);
            using var client = clients.CreateClient(HttpClientName);
            client.Timeout = options.Timeout;
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted && !response.IsSuccessStatusCode)
                return Failed((int)response.StatusCode, Error(response.StatusCode));
            var result = await response.Content.ReadFromJsonAsync<SendResponse>(ct).ConfigureAwait(false);
            // ACS answers 202 for the batch and reports each recipient separately.
            if (result?.Value is not [{ Successful: true }])
                return Failed(result?.Value is [{ } r] ? r.HttpStatusCode : 0, "acs_rejected");
            return SendResult.Sent;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or Azure.Identity.AuthenticationFailedException
            or Azure.Identity.CredentialUnavailableException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            LogError(logger, uri.Host, e.GetType().Name);
            return SendResult.Failed("acs_unreachable");
        }
    }

    private async Task AuthenticateAsync(HttpRequestMessage request, byte[] body, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(options.AccessKey))
        {
            AcsRequestSigner.Sign(request, body, Convert.FromBase64String(options.AccessKey), time.GetUtcNow());
            return;
        }
        var credential = identity ?? throw new InvalidOperationException("Imprivata:Messaging:AcsSms needs an AccessKey or an Entra identity.");
        var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), ct).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
    }

    private SendResult Failed(int status, string error)
    {
        LogRejected(logger, options.Endpoint, status, error);
        return SendResult.Failed(error);
    }

    private static string Error(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "acs_unauthorized",
        HttpStatusCode.TooManyRequests => "acs_throttled",
        HttpStatusCode.BadRequest => "acs_bad_request",
        _ => "acs_error",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "ACS SMS at {Endpoint} refused the message: HTTP {Status} ({Error})")]
    private static partial void LogRejected(ILogger logger, string endpoint, int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ACS SMS at {Host} unreachable: {ErrorType}")]
    private static partial void LogError(ILogger logger, string host, string errorType);

    private sealed record SendRequest(
        [property: JsonPropertyName("from")] string From,
        [property: JsonPropertyName("smsRecipients")] Recipient[] SmsRecipients,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("smsSendOptions")] SendOptions SmsSendOptions);

    private sealed record Recipient([property: JsonPropertyName("to")] string To);

    private sealed record SendOptions([property: JsonPropertyName("enableDeliveryReport")] bool EnableDeliveryReport);

    private sealed record SendResponse([property: JsonPropertyName("value")] RecipientResult[]? Value);

    private sealed record RecipientResult(
        [property: JsonPropertyName("to")] string? To,
        [property: JsonPropertyName("httpStatusCode")] int HttpStatusCode,
        [property: JsonPropertyName("successful")] bool Successful);
}
