using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Imprivata.RadiusEdge.Management;

namespace Imprivata.RadiusEdge.Tests.Infrastructure;

/// <summary>
/// The backend's half of the edge management contract, played on a loopback HTTP peer: one-time tokens, one edge
/// credential, heartbeats recorded, a client list with a version (304 when unchanged), a seal key, stop and revoke.
/// </summary>
public sealed class ConsoleDouble : IDisposable
{
    public const string IntegrationId = "iid-test";
    private readonly LoopbackHttpPeer _peer;
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private readonly object _gate = new();
    private EdgeConfig _config = new("v1", []);

    public ConsoleDouble()
    {
        _peer = new LoopbackHttpPeer(HandleAsync, e => Crashes.Add(e));
        SealKey = RSA.Create(2048);
    }

    public Uri BaseUri => _peer.BaseUri;
    public string? Credential { get; private set; }
    public string DesiredState { get; set; } = ManagementContract.Running;
    public bool Revoked { get; set; }
    public bool Unreachable { get; set; }
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>How long each heartbeat answer takes (a slow console).</summary>
    public TimeSpan HeartbeatDelay { get; set; }
    public RSA SealKey { get; set; }
    public string SealKeyId { get; set; } = "console-key-1";
    public ConcurrentQueue<JsonElement> Heartbeats { get; } = new();
    public ConcurrentQueue<JsonElement> ConnectRequests { get; } = new();
    public ConcurrentQueue<string?> ConfigRequests { get; } = new();
    public int ConfigFullAnswers;
    public int NotModifiedAnswers;
    public int SealKeyRequests;
    public ConcurrentBag<Exception> Crashes { get; } = [];

    public EdgeConfig Config
    {
        get { lock (_gate) return _config; }
        set { lock (_gate) _config = value; }
    }

    /// <summary>Connects an edge without the command: a fresh credential, written where the edge reads it.</summary>
    public void WriteCredential(string path, string edgeId = "site-a")
    {
        Credential = Base64Url(RandomNumberGenerator.GetBytes(32));
        new EdgeCredential(BaseUri.ToString(), IntegrationId, edgeId, Credential).Write(path);
    }

    /// <summary>A one-time token for this console, usable once.</summary>
    public string IssueToken()
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        _tokens[secret] = false;
        return Token(BaseUri.ToString(), secret);
    }

    public static string Token(string url, string secret, int version = 1) =>
        "imp-edge." + Base64Url(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { v = version, url, iid = IntegrationId, secret })));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            await AnswerAsync(context);
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpListenerException)
        {
            // The test ended while an answer was on its way (a slow heartbeat): nobody is listening any more.
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        if (Unreachable)
        {
            // Not quite unreachable, but as useless: the edge must treat it like a backend that is down.
            context.Response.StatusCode = 503;
            return;
        }
        if (path == "/radius/v1/edges/connect" && context.Request.HttpMethod == "POST")
        {
            var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            ConnectRequests.Enqueue(body.RootElement.Clone());
            var token = body.RootElement.GetProperty("token").GetString()!;
            var secret = JsonDocument.Parse(Convert.FromBase64String(Pad(token["imp-edge.".Length..]))).RootElement.GetProperty("secret").GetString()!;
            if (!_tokens.TryUpdate(secret, true, false))
            {
                await WriteAsync(context, 400, new { error = "invalid_token", reason = "unknown, used or expired" });
                return;
            }
            Credential = Base64Url(RandomNumberGenerator.GetBytes(32));
            Revoked = false;
            await WriteAsync(context, 200, new { edgeId = body.RootElement.GetProperty("edgeId").GetString(), integrationId = IntegrationId,
                credential = Credential, heartbeatInterval = HeartbeatInterval.ToString() });
            return;
        }
        if (!Authorized(context, out var refusal))
        {
            await WriteAsync(context, 401, new { error = refusal });
            return;
        }
        if (path.EndsWith("/heartbeat", StringComparison.Ordinal))
        {
            Heartbeats.Enqueue((await JsonDocument.ParseAsync(context.Request.InputStream)).RootElement.Clone());
            await Task.Delay(HeartbeatDelay);
            await WriteAsync(context, 200, new { desiredState = DesiredState, configVersion = Config.ConfigVersion, heartbeatInterval = HeartbeatInterval.ToString() });
        }
        else if (path.EndsWith("/config", StringComparison.Ordinal))
        {
            var config = Config;
            var known = context.Request.Headers["If-None-Match"];
            ConfigRequests.Enqueue(known);
            if (known == "\"" + config.ConfigVersion + "\"")
            {
                Interlocked.Increment(ref NotModifiedAnswers);
                context.Response.StatusCode = 304;
                return;
            }
            Interlocked.Increment(ref ConfigFullAnswers);
            await WriteAsync(context, 200, config);
        }
        else if (path == "/radius/v1/seal-key")
        {
            Interlocked.Increment(ref SealKeyRequests);
            await WriteAsync(context, 200, new { kid = SealKeyId, alg = "RSA-OAEP-256", pem = SealKey.ExportSubjectPublicKeyInfoPem() });
        }
        else
            await WriteAsync(context, 404, new { error = "not_found" });
    }

    private bool Authorized(HttpListenerContext context, out string refusal)
    {
        refusal = ManagementContract.InvalidCredential;
        var header = context.Request.Headers["Authorization"];
        if (Credential is null || header != "Bearer " + Credential)
            return false;
        refusal = ManagementContract.EdgeRevoked;
        return !Revoked;
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body, ManagementContract.Json));
    }

    public void Dispose()
    {
        _peer.Dispose();
        SealKey.Dispose();
    }
}
