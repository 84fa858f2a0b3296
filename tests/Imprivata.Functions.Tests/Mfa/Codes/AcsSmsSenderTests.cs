using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using Imprivata.Core.Mfa.Codes;
using Imprivata.Functions.Mfa.Codes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Imprivata.Functions.Tests.Mfa.Codes;

/// <summary>The ACS SMS adapter against an HTTP listener that checks the request the way the service documents it.</summary>
public class AcsSmsSenderTests
{
    private static readonly byte[] AccessKey = RandomNumberGenerator.GetBytes(32);
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 3, 1, 8, 30, 15, TimeSpan.Zero));

    private static AcsSmsSender Sender(int port, string? accessKey, TokenCredential? identity = null, ListLogger<AcsSmsSender>? logs = null)
    {
        var clients = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        var options = new AcsSmsOptions { Endpoint = $"http://127.0.0.1:{port}/", AccessKey = accessKey, From = "+18005550199" };
        return new AcsSmsSender(clients, options, identity, Time, logs ?? new ListLogger<AcsSmsSender>());
    }

    [Fact]
    public async Task Send_WithAccessKey_RequestShapeAndHmacSignatureVerifyIndependently()
    {
        await using var peer = AcsPeer.Start(202, """{"value":[{"to":"+15550100001","messageId":"m1","httpStatusCode":202,"successful":true}]}""");

        var result = await Sender(peer.Port, Convert.ToBase64String(AccessKey)).SendAsync(
            new SmsMessage("+15550100001", "Your sign-in code is 123456. It expires in 5 minutes."), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        var request = Assert.Single(peer.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/sms?api-version=2021-03-07", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);

        // Content hash: base64(SHA-256(body)).
        var contentHash = Convert.ToBase64String(SHA256.HashData(request.Body));
        Assert.Equal(contentHash, request.Headers["x-ms-content-sha256"]);
        // x-ms-date: RFC 1123, the sender's clock.
        var date = request.Headers["x-ms-date"]!;
        Assert.Equal(Time.GetUtcNow(), DateTimeOffset.ParseExact(date, "r", CultureInfo.InvariantCulture));
        // Authorization: HMAC-SHA256 over "POST\n{path?query}\n{date};{host};{hash}" with the decoded access key.
        var match = Regex.Match(request.Headers["Authorization"]!, "^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=(.+)$");
        Assert.True(match.Success, request.Headers["Authorization"]);
        var stringToSign = $"POST\n{request.PathAndQuery}\n{date};{request.Headers["Host"]};{contentHash}";
        var expected = HMACSHA256.HashData(AccessKey, Encoding.UTF8.GetBytes(stringToSign));
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(match.Groups[1].Value)));

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("+18005550199", root.GetProperty("from").GetString());
        Assert.Equal("+15550100001", Assert.Single(root.GetProperty("smsRecipients").EnumerateArray()).GetProperty("to").GetString());
        Assert.Equal("Your sign-in code is 123456. It expires in 5 minutes.", root.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("smsSendOptions").ValueKind);
    }

    [Fact]
    public async Task Send_WithoutKey_UsesEntraTokenForCommunicationScope()
    {
        await using var peer = AcsPeer.Start(202, """{"value":[{"to":"+15550100001","httpStatusCode":202,"successful":true}]}""");
        var identity = new FixedTokenCredential("entra-token-1");

        var result = await Sender(peer.Port, accessKey: null, identity).SendAsync(new SmsMessage("+15550100001", "x"), CancellationToken.None);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("Bearer entra-token-1", peer.Requests.Single().Headers["Authorization"]);
        Assert.Equal(["https://communication.azure.com//.default"], identity.Scopes);
    }

    [Fact]
    public async Task Send_Unauthorized_ClearFailure_NoKeyOrTextInLogs()
    {
        await using var peer = AcsPeer.Start(401, """{"error":{"code":"Denied","message":"Denied by the resource provider."}}""");
        var logs = new ListLogger<AcsSmsSender>();
        var key = Convert.ToBase64String(AccessKey);

        var result = await Sender(peer.Port, key, logs: logs).SendAsync(new SmsMessage("+15550100001", "Your sign-in code is 640213."), CancellationToken.None);

        Assert.Equal("acs_unauthorized", result.Error);
        var line = Assert.Single(logs.Lines);
        Assert.Contains("401", line);
        Assert.DoesNotContain(key, line);
        Assert.DoesNotContain("640213", line);
    }

    [Fact]
    public async Task Send_RecipientRejectedInsideAccepted_Failure()
    {
        await using var peer = AcsPeer.Start(202, """{"value":[{"to":"+15550100001","httpStatusCode":400,"successful":false,"errorMessage":"Invalid To phone number format."}]}""");

        var result = await Sender(peer.Port, Convert.ToBase64String(AccessKey)).SendAsync(new SmsMessage("+15550100001", "x"), CancellationToken.None);

        Assert.Equal("acs_rejected", result.Error);
    }

    [Fact]
    public async Task Send_NothingListening_Unreachable()
    {
        var result = await Sender(Ports.FreeTcp(), Convert.ToBase64String(AccessKey)).SendAsync(new SmsMessage("+15550100001", "x"), CancellationToken.None);

        Assert.Equal("acs_unreachable", result.Error);
    }

    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public string[] Scopes { get; private set; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes = requestContext.Scopes;
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}

/// <summary>An HTTP listener standing in for the ACS endpoint: records each request and answers with a fixed status and body.</summary>
internal sealed class AcsPeer : IAsyncDisposable
{
    private readonly LoopbackHttpPeer _peer;

    private AcsPeer(int status, string body) => _peer = new LoopbackHttpPeer(async context =>
    {
        using var buffer = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(buffer);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k], StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new Recorded(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, buffer.ToArray()));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
    });

    public int Port => _peer.Port;
    public System.Collections.Concurrent.ConcurrentQueue<Recorded> Requests { get; } = new();

    public static AcsPeer Start(int status, string body) => new(status, body);

    public ValueTask DisposeAsync()
    {
        _peer.Dispose();
        return ValueTask.CompletedTask;
    }

    internal sealed record Recorded(string Method, string PathAndQuery, IReadOnlyDictionary<string, string?> Headers, byte[] Body);
}
