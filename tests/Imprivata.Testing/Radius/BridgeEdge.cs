using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Imprivata.Functions.Radius;
using Imprivata.RadiusEdge.Contract;

namespace Imprivata.Testing.Radius;

/// <summary>
/// Plays an edge over the bridge without RADIUS: seals passwords to the backend's key, puts <c>radius.authenticate</c>
/// messages (with the contract's optional additions when given) on the request queue and reads decisions from its own
/// reply queue, as the edge's Storage Queues adapter does (base64 JSON).
/// </summary>
public sealed class BridgeEdge
{
    private readonly QueueClient _requests;
    private readonly QueueClient _replies;
    private readonly RSA _sealKey;
    private readonly string _keyId;
    private readonly List<Decision> _unclaimed = [];

    private BridgeEdge(string edgeId, QueueClient requests, QueueClient replies, RSA sealKey, string keyId)
    {
        EdgeId = edgeId;
        _requests = requests;
        _replies = replies;
        _sealKey = sealKey;
        _keyId = keyId;
    }

    public string EdgeId { get; }

    public static async Task<BridgeEdge> ConnectAsync(RadiusBackend backend, string? edgeId = null)
    {
        edgeId ??= "edge-" + Guid.NewGuid().ToString("N")[..10];
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var requests = new QueueClient(Azurite.ConnectionString, backend.RequestQueue, options);
        var replies = new QueueClient(Azurite.ConnectionString, StorageQueueRadiusReplies.ReplyQueueName("radius-replies-", edgeId), options);
        await requests.CreateIfNotExistsAsync();
        await replies.CreateIfNotExistsAsync();
        var (kid, pem) = await backend.SealKeyAsync();
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new BridgeEdge(edgeId, requests, replies, rsa, kid);
    }

    /// <summary>A request as the edge would forward it; <paramref name="extra"/> adds or replaces top-level fields.</summary>
    public JsonObject Request(string user, string? password, string client = "vpn-1", string nasAddress = "127.0.0.1", string? state = null,
        TimeSpan? deadline = null, string? requestId = null, string? keyId = null)
    {
        requestId ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = DateTimeOffset.UtcNow;
        var message = new AuthenticateRequest
        {
            RequestId = requestId,
            EdgeId = EdgeId,
            ReceivedAt = now,
            Deadline = now + (deadline ?? TimeSpan.FromSeconds(35)),
            Nas = new BridgeNas(client, "Other", nasAddress),
            UserName = user,
            Password = password is null ? null : PasswordSeal.Seal(Encoding.UTF8.GetBytes(password), _sealKey, keyId ?? _keyId, requestId, EdgeId),
            State = state,
        };
        return JsonSerializer.SerializeToNode(message, BridgeContract.Json)!.AsObject();
    }

    public static string RequestIdOf(JsonObject request) => request["requestId"]!.GetValue<string>();

    public async Task<string> SendAsync(JsonObject request)
    {
        await _requests.SendMessageAsync(request.ToJsonString());
        return RequestIdOf(request);
    }

    /// <summary>Sends and waits for the decision that answers it (holds are skipped unless asked for).</summary>
    public async Task<Decision> AskAsync(JsonObject request, bool stopAtHold = false, TimeSpan? timeout = null) =>
        await DecisionForAsync(await SendAsync(request), stopAtHold, timeout);

    public async Task<Decision> DecisionForAsync(string requestId, bool stopAtHold = false, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(45));
        while (true)
        {
            lock (_unclaimed)
            {
                var found = _unclaimed.FirstOrDefault(d => d.RequestId == requestId && (stopAtHold || d.Kind != DecisionKind.Hold));
                if (found is not null)
                {
                    // The holds before a final answer are part of it: skipped, they are not left for a later look.
                    _unclaimed.RemoveAll(d => d == found || (d.RequestId == requestId && d.Kind == DecisionKind.Hold && found.Kind != DecisionKind.Hold));
                    return found;
                }
            }
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"No decision for request {requestId}.");
            await ReceiveAsync();
        }
    }

    /// <summary>Every decision that arrives within <paramref name="wait"/>, for checking that nothing more was sent.</summary>
    public async Task<IReadOnlyList<Decision>> DrainAsync(TimeSpan wait)
    {
        var until = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < until)
            await ReceiveAsync();
        lock (_unclaimed)
        {
            var all = _unclaimed.ToList();
            _unclaimed.Clear();
            return all;
        }
    }

    private async Task ReceiveAsync()
    {
        var messages = (await _replies.ReceiveMessagesAsync(32)).Value;
        foreach (var message in messages)
        {
            var decision = JsonSerializer.Deserialize<Decision>(message.Body.ToString(), BridgeContract.Json)!;
            lock (_unclaimed)
                _unclaimed.Add(decision);
            await _replies.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        if (messages.Length == 0)
            await Task.Delay(50);
    }
}
